// @m2m/session is not implemented yet: see README.md. It deliberately exports nothing.
export {};
