/** A user's configuration (config file, --wrapper spec, baseline) is unusable: the CLI reports it and exits 2. */
export class ConfigError extends Error {}
