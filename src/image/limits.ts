/**
 * Every bound the image reader keeps, with its reason. An archive is read in one pass, from a file
 * anyone can push; whatever its headers and documents say, the work and memory it costs stay in
 * proportion to its size. Hitting a bound is one line naming the archive and what is past it (exit
 * status 2). docs/image-analysis.md lists them; a test checks that the two agree.
 */

/** OCI indexes nested deeper than this (index -> index -> …): real multi-platform images use one or two levels. */
export const MAX_INDEX_DEPTH = 8;

/** Descriptors read from all the indexes of an archive: a registry's largest multi-platform indexes list a few dozen. */
export const MAX_DESCRIPTORS = 4096;

/** Image manifests (distinct images) in one archive: each is assembled and analyzed on its own. */
export const MAX_IMAGES = 256;

/** Layers of one image: Docker's overlay2 driver refuses more than 128, and OCI runtimes about as many. */
export const MAX_LAYERS = 1024;

/**
 * Bytes of a path inside a layer: Linux's PATH_MAX (4096) bounds what a runtime can open in one
 * call; the longest real paths (deep node_modules) are well under 1 KiB. Paths are kept whole per
 * entry, so longer ones (10,000 nested directories, megabyte pax names) would cost memory in the
 * square of their depth.
 */
export const MAX_PATH_BYTES = 4096;

/**
 * Size of one pax or GNU long-name record (the metadata of the entry that follows). A name or link
 * target is at most MAX_PATH_BYTES; pax extended attributes of real layers (capabilities, SELinux
 * labels) are a few hundred bytes.
 */
export const MAX_META_BYTES = 1024 * 1024;

/**
 * Entries (files, directories, links, whiteouts) in all the layers of an archive: the largest real
 * images hold a few hundred thousand. Each costs the reader about a hundred bytes of facts.
 */
export const MAX_ENTRIES = 1_000_000;

/**
 * Uncompressed bytes per compressed byte, over the whole archive (with MAX_EXPANSION_SLACK): image
 * layers compress 2-5 times, rarely 20; a layer that inflates a thousandfold (a gigabyte of zeros in
 * a megabyte of gzip) is a decompression bomb, and reading it would cost time out of proportion to
 * the archive.
 */
export const MAX_EXPANSION = 64;

/** Uncompressed bytes always allowed on top of MAX_EXPANSION × the compressed size: small layers of sparse files. */
export const MAX_EXPANSION_SLACK = 256 * 1024 * 1024;

/**
 * Empty blocks in one zstd stream. An encoder writes at most one per frame (the last block of a
 * frame whose input ended on a block boundary); three zero bytes after a frame header are already
 * an empty block, so a run of zeros is millions of them, each costing the JavaScript decoder (Node
 * 20 has no zstd of its own) an allocation: 100 MB of zeros took 20 s.
 */
export const MAX_ZSTD_EMPTY_BLOCKS = 65_536;

/**
 * A zstd frame's window (what the decoder keeps of the output): compression levels up to 20 use at
 * most 32 MiB (8 MiB up to level 19); the JavaScript decoder allocates it whole, so a header asking
 * 2 GB would cost 2 GB.
 */
export const MAX_ZSTD_WINDOW = 32 * 1024 * 1024;

/**
 * Bytes the JavaScript zstd decoder may move per byte read: it moves its whole window once per
 * block, so blocks of a few bytes in a large window cost far more than the stream's size (1-byte
 * blocks in a 128 KiB window: 32,000 bytes moved per byte, 2 s for 6 MB). Real streams move 16 to
 * about 1,300 (128 KiB blocks compressed 2-20 times in a 2-8 MiB window). Windows move at 50-100 GB/s
 * here, so the bound costs at most 2-4 s per 100 MB read.
 */
export const MAX_ZSTD_COPY_RATIO = 2048;

/** Window moves always allowed on top of MAX_ZSTD_COPY_RATIO times the bytes read (about a second). */
export const MAX_ZSTD_COPY_SLACK = 64 * 1024 * 1024 * 1024;

/** Heads of files named like secrets (`*.key`, `.env`) kept in all (each charged also its path and 256 bytes): past it a layer of thousands of such files is indexed but not read. */
export const SECRET_HEAD_BUDGET = 4 * 1024 * 1024;
