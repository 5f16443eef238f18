// @m2m/proxy is not implemented yet: see README.md. It deliberately exports nothing.
export {};
