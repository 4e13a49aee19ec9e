/** The Dockerfile model checks read: stages, instructions with 1-based ranges, parsed shell bodies. */
import type { MappedText, Range, LineIndex } from '../util/text.js';
import type { ShellScript } from '../shell/shell.js';
import type { ImageRef } from '../knowledge/image-ref.js';

export type { ImageRef };

export const KNOWN_INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

export interface Arg {
  value: string;
  range: Range;
}

export interface Flag {
  name: string;
  value: string | null;
  range: Range;
}

export interface Property {
  name: string;
  value: string | null;
  range: Range;
}

export interface Heredoc {
  name: string;
  body: string;
}

export interface Instruction {
  /** Upper-case keyword (`RUN`). */
  keyword: string;
  /** The keyword as written (`run`). */
  written: string;
  range: Range;
  keywordRange: Range;
  /** Arguments after the flags, as dockerfile-ast splits them (quotes kept). */
  args: Arg[];
  flags: Flag[];
  /** The text after keyword and flags, line continuations and inner comments removed. */
  body: string;
  bodyText: MappedText;
  /** The array of an exec-form (JSON) instruction, null in shell form. */
  json: string[] | null;
  /** The arguments start with `[` but are not a valid JSON array of strings. */
  jsonError: boolean;
  heredocs: Heredoc[];
  /**
   * Parsed commands of a shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK body, or of the script of an exec-form
   * CMD/ENTRYPOINT that hands one to a shell (`["sh", "-c", script]`); null when not shell or skipped.
   */
  shell: ShellScript | null;
  /** The stage holding it; null before the first FROM. */
  stage: Stage | null;
  /** ARG/ENV/LABEL key-value pairs. */
  properties: Property[];
  /** For ONBUILD: the trigger instruction. */
  trigger: Instruction | null;
  /** This instruction is the trigger of an ONBUILD. */
  onbuild: boolean;
  /** The shell in force here is not POSIX (`SHELL ["powershell"…]`, a Windows base): the body is not parsed as shell. */
  nonPosixShell: boolean;
  /** Variables (ARG and ENV) known at this instruction, with their values where known. */
  vars: ReadonlyMap<string, string | null>;
}

export interface Stage {
  index: number;
  /** The `AS name`, lower-cased as BuildKit treats it; null when unnamed. */
  name: string | null;
  nameRange: Range | null;
  from: Instruction;
  /** The base image; null when FROM names an earlier stage. */
  image: ImageRef | null;
  /** The earlier stage FROM names. */
  parent: Stage | null;
  /** Instructions after FROM, in order. */
  instructions: Instruction[];
  platform: string | null;
  /** The shell is not POSIX (`SHELL ["powershell"…]`, Windows images): shell bodies are not parsed. */
  nonPosixShell: boolean;
  /** Stages that use this one (FROM, COPY --from, RUN --mount from=). */
  usedBy: Set<number>;
  isFinal: boolean;
}

export interface DockerfileFacts {
  path: string;
  text: string;
  lines: LineIndex;
  escape: string;
  directives: Map<string, { value: string; range: Range }>;
  /** Every instruction, including those before the first FROM. */
  instructions: Instruction[];
  stages: Stage[];
  finalStage: Stage | null;
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string | null>;
  comments: { text: string; range: Range }[];
  context: BuildContext;
  /** What ShellCheck said about the RUN bodies and entrypoint scripts; absent when it did not run (`src/dockerfile/shellcheck.ts`). */
  shellcheck?: ShellcheckFacts;
  /** Shell bodies and context scripts left unread for the bounds of one Dockerfile (src/dockerfile/parse.ts: grammar bytes, here-documents, commands); absent when none. */
  unreadShell?: number;
}

/** A script from the context that the image runs as its ENTRYPOINT or CMD. */
export interface ScriptFile {
  /** Path in the build context, relative to its root. */
  path: string;
  /** Where the image has it. */
  imagePath: string;
  text: string;
  shell: ShellScript | null;
  /** The ENTRYPOINT, CMD or HEALTHCHECK that runs it (for a helper: the one that runs its caller). */
  runBy: Instruction;
  /**
   * How the container runs it: `start`, the program ENTRYPOINT/CMD run or a script they name as an
   * argument (`CMD ["/entrypoint.sh", "/launch.sh"]`); `healthcheck`, the HEALTHCHECK's program;
   * `helper`, a script one of those runs or sources (`/usr/local/bin/wait-for-db.sh`, `. ./env.sh`).
   */
  role: 'start' | 'healthcheck' | 'helper';
}

export interface BuildContext {
  /** The context directory, when there is one. */
  root: string | null;
  /** The patterns of `.dockerignore`; null when the context has none. */
  dockerignore: string[] | null;
  scripts: ScriptFile[];
  /** The context holds a `devcontainer.json`: the Dockerfile makes a development container. */
  devcontainer: boolean;
  /**
   * The files of `CONTEXT_FILES` (dependency manifests, Go's vendor list) that the context holds, by
   * path: their text, or '' when present but too large or not text. Read once, with the context.
   */
  files: ReadonlyMap<string, string>;
  /** `package.json` at the context's root, read when a CMD, ENTRYPOINT or script runs npm, yarn or pnpm (its start script); null otherwise. */
  packageJson: string | null;
  /**
   * For each COPY/ADD from the context (ONBUILD triggers included), its sources named like
   * credentials, with what the context holds there. Empty when there is no context to read.
   */
  copiedSecrets: ReadonlyMap<Instruction, CopiedSecret[]>;
  /**
   * Context paths the final stage (and the stages it is built on) copies in, directories walked
   * (at most 2000): what the image carries from the project, such as an `sshd_config` or an s6
   * service directory `docker/s6/openssh`. Empty without a context.
   */
  copiedFiles: readonly string[];
}

/** A COPY/ADD source named like a credential, read from the build context. */
export interface CopiedSecret {
  /** Position of the source among the instruction's sources. */
  index: number;
  source: string;
  /** What its name suggests (`a credentials file (.npmrc)`). */
  kind: string;
  /** `secret`: the file (or a file in the directory) holds a credential; `clean`: read, and it holds none; `absent`: not in the context. */
  state: 'secret' | 'clean' | 'absent';
  /** What the content shows (`is a credentials file (.npmrc)`), for `secret`. */
  what: string | null;
  /** The context file that holds it (inside a copied directory, the file itself). */
  file: string | null;
}

/** ShellCheck's levels. */
export type ShellcheckLevel = 'error' | 'warning' | 'info' | 'style';

/** One ShellCheck comment, placed in the Dockerfile (or in a script of the build context). */
export interface ShellcheckComment {
  /** `SC2086`. */
  code: string;
  level: ShellcheckLevel;
  message: string;
  /** The script of the build context it is in; null for a RUN of the Dockerfile. */
  file: string | null;
  range: Range;
  /** The RUN it is in; null in a script. */
  instruction: Instruction | null;
}

/** What ShellCheck said about one Dockerfile (`src/dockerfile/shellcheck.ts` computes it). */
export interface ShellcheckFacts {
  comments: ShellcheckComment[];
  /** Why ShellCheck gave no answer (it crashed, timed out, the file is too large for it) or left bodies out (too large); null when it checked everything. */
  error: string | null;
}
