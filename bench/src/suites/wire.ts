export async function run(): Promise<void> {
  throw new Error("wire suite: written next");
}
