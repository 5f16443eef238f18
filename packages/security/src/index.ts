// @m2m/security is not implemented yet: see README.md. It deliberately exports nothing.
export {};
