/**
 * Docker Hub's official images (`docker.io/library/<name>`), the ones a bare name such as `nginx`
 * means. A bare name that is none of them (`frontend`, `api`) in a Kubernetes manifest is, as a
 * rule, a placeholder a build tool replaces at deploy time (skaffold, Tilt, kustomize `images:`).
 * The list is the library's better-known part, not all of it.
 */
export const OFFICIAL_IMAGES: ReadonlySet<string> = new Set([
  'adminer', 'alpine', 'amazoncorretto', 'amazonlinux', 'arangodb', 'bash', 'bonita', 'buildpack-deps', 'busybox',
  'caddy', 'cassandra', 'centos', 'chronograf', 'clojure', 'composer', 'consul', 'couchbase', 'couchdb', 'crate',
  'debian', 'docker', 'drupal', 'eclipse-mosquitto', 'eclipse-temurin', 'elasticsearch', 'elixir', 'erlang',
  'fedora', 'flink', 'fluentd', 'gcc', 'ghost', 'golang', 'gradle', 'groovy', 'haproxy', 'haskell', 'hello-world',
  'httpd', 'ibmjava', 'influxdb', 'irssi', 'jenkins', 'jetty', 'joomla', 'jruby', 'julia', 'kapacitor', 'kibana',
  'kong', 'logstash', 'mariadb', 'matomo', 'maven', 'memcached', 'mongo', 'mongo-express', 'mono', 'mysql', 'nats',
  'neo4j', 'nextcloud', 'nginx', 'node', 'odoo', 'openjdk', 'oraclelinux', 'orientdb', 'perl', 'photon', 'php',
  'php-zendserver', 'phpmyadmin', 'plone', 'postgres', 'postfixadmin', 'pypy', 'python', 'rabbitmq', 'redis',
  'redmine', 'registry', 'rethinkdb', 'rocket.chat', 'rockylinux', 'ruby', 'rust', 'sapmachine', 'solr', 'sonarqube',
  'swift', 'telegraf', 'tomcat', 'tomee', 'traefik', 'ubuntu', 'varnish', 'vault', 'wordpress', 'xwiki', 'yourls',
  'zookeeper', 'almalinux', 'archlinux', 'clearlinux', 'friendica', 'gazebo', 'geonetwork', 'hylang', 'ibm-semeru-runtimes',
  'kaazing-gateway', 'lightstreamer', 'liquibase', 'mageia', 'monica', 'mediawiki', 'nats-streaming', 'open-liberty',
  'percona', 'postgis', 'r-base', 'ros', 'satosa', 'silverpeas', 'spark', 'storm', 'teamspeak', 'unit', 'websphere-liberty',
  'znc', 'dart', 'emqx', 'express-gateway', 'memcached', 'nginx-unprivileged', 'questdb',
]);
