/** What `--store` accepts, for messages: kept apart from the stores so the runner can name it without loading them. */
export const storeSpecHelp = 'memory, file:<directory> or postgres:<url> (e.g. postgres:postgres://user@localhost:5432/stepdown)';
