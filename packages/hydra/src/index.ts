// @m2m/hydra is not implemented yet: see README.md. It deliberately exports nothing.
export {};
