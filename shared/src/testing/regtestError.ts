/** Something the regtest node cannot do as asked, said in words a developer can act on (the CLI prints just this). */
export class RegtestError extends Error {
  override readonly name = 'RegtestError';
}
