/** Work that finished but with failures the exit status must report (exit 1, no "internal error"). */
export class PartialFailure extends Error {
  override readonly name = 'PartialFailure';
}
