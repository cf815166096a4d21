// The database engines the one SQL store runs on.
export type Engine = 'sqlite' | 'postgres';
