// Repository invariants: the dependency arrows of ARCHITECTURE.md, runtime-neutral packages free of
// Node built-ins, every package's manifest shape, its public exports, and spec vector ownership.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const PACKAGES = ["wire", "codec", "crypto", "security", "hydra", "session", "proxy", "cli"] as const;
type Name = (typeof PACKAGES)[number];

/** Allowed @m2m dependencies of each package (ARCHITECTURE.md; security may decode frames with codec). */
const ARROWS: Record<Name, readonly Name[]> = {
  wire: [],
  codec: ["wire"],
  crypto: ["wire"],
  security: ["wire", "codec"],
  hydra: ["security"],
  session: ["wire", "codec", "crypto"],
  proxy: ["wire", "session", "codec", "security", "crypto"],
  cli: ["wire", "codec", "crypto", "security", "session", "proxy"],
};
const RUNTIME_NEUTRAL: readonly Name[] = ["wire", "codec", "crypto", "security", "session"];
const NOT_IMPLEMENTED: readonly Name[] = ["hydra"];
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry) && !/\.test\.ts$/.test(entry) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*["']([^"']+)["']/g))
    found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  for (const m of text.matchAll(/getBuiltinModule\?*\.?\(\s*["']([^"']+)["']/g))
    found.push(`builtin:${m[1]!}`);
  return found;
}

const manifest = (name: Name) =>
  JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8"));

describe("dependency arrows (ARCHITECTURE.md)", () => {
  for (const name of PACKAGES) {
    it(`@m2m/${name} imports only ${ARROWS[name].map((n) => `@m2m/${n}`).join(", ") || "no other @m2m package"}`, () => {
      const deps = Object.keys({ ...manifest(name).dependencies, ...manifest(name).peerDependencies });
      const declared = deps.filter((d) => d.startsWith("@m2m/")).map((d) => d.slice(5));
      for (const dep of declared)
        expect(ARROWS[name], `package.json of @m2m/${name} depends on @m2m/${dep}`).toContain(dep);
      for (const file of sourceFiles(join(root, "packages", name, "src"))) {
        for (const spec of importsOf(file).filter((s) => s.startsWith("@m2m/"))) {
          const target = spec.slice(5).split("/")[0] as Name;
          expect(ARROWS[name], `${file} imports ${spec}`).toContain(target);
        }
      }
    });
  }

  for (const name of RUNTIME_NEUTRAL) {
    it(`@m2m/${name} is runtime-neutral: no Node built-in imports in src`, () => {
      for (const file of sourceFiles(join(root, "packages", name, "src"))) {
        const nodeImports = importsOf(file).filter((s) => NODE_BUILTINS.has(s));
        expect(nodeImports, `${file}`).toEqual([]);
        const text = readFileSync(file, "utf8");
        expect(/\bBuffer\./.test(text) || /\bBuffer\.from\b/.test(text), `${file} uses Buffer`).toBe(false);
      }
    });
  }
});

describe("package manifests", () => {
  for (const name of PACKAGES) {
    it(`@m2m/${name}: ESM, types-first exports, sideEffects false, engines, README`, () => {
      const pkg = manifest(name);
      expect(pkg.name).toBe(`@m2m/${name}`);
      expect(pkg.type).toBe("module");
      // false, or only the executables (a bin runs on import; the library entry points never do).
      if (pkg.sideEffects !== false) {
        // A bin may be a committed launcher that imports the built ./dist/bin.js.
        const bins = [
          ...Object.values(pkg.bin ?? {}).map((b) => `./${String(b).replace(/^\.\//, "")}`),
          "./dist/bin.js",
        ];
        expect(pkg.sideEffects.length).toBeGreaterThan(0);
        for (const file of pkg.sideEffects)
          expect(bins, `${file} in sideEffects is not a bin`).toContain(file);
      }
      // Node ≥ 20; packages that run undici (the proxy and what depends on it) need what undici needs.
      const deps = Object.keys(pkg.dependencies ?? {});
      const runsUndici = deps.includes("undici") || deps.includes("@m2m/proxy");
      expect(pkg.engines?.node).toBe(runsUndici ? ">=20.18.1" : ">=20");
      const dot = pkg.exports["."];
      expect(Object.keys(dot)[0]).toBe("types");
      expect(existsSync(join(root, "packages", name, "README.md"))).toBe(true);
    });
  }
});

describe("public exports", () => {
  for (const name of PACKAGES) {
    it(`@m2m/${name} exports exactly its documented surface`, async () => {
      const mod = (await import(`@m2m/${name}`)) as Record<string, unknown>;
      const names = Object.keys(mod).sort();
      if (NOT_IMPLEMENTED.includes(name)) expect(names).toEqual([]);
      else expect(names.length).toBeGreaterThan(0);
      expect(names).toMatchSnapshot();
    });
  }
});

describe("spec vectors", () => {
  it("every vector file belongs to a package suite", () => {
    const dir = join(root, "spec/vectors");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const doc = JSON.parse(readFileSync(join(dir, file), "utf8"));
      const prefix = String(doc.suite ?? "").split("/")[0];
      expect(PACKAGES as readonly string[], `${file} has suite "${doc.suite}"`).toContain(prefix);
      expect(file.startsWith(`${prefix}-`), `${file} is named after its package`).toBe(true);
    }
  });
});
