// oidc-provider ships no types; the benchmark uses a handful of its documented calls.
declare module 'oidc-provider';
