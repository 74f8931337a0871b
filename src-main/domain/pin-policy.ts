/**
 * What a staff PIN may be: 4 to 8 digits, not one digit repeated (1111), not a run up or down
 * (1234, 9876). A PIN an administrator set (from the branch file or a reset) must be changed by
 * its owner at the first sign-in, to one that is not the same.
 */

/** Why a PIN is not acceptable, or null. */
export function pinProblem(pin: string): string | null {
  if (!/^\d{4,8}$/.test(pin)) return 'a PIN is 4 to 8 digits';
  const d = [...pin].map(Number);
  if (d.every((x) => x === d[0])) return 'a PIN is not one digit repeated';
  const step = d[1]! - d[0]!;
  if ((step === 1 || step === -1) && d.every((x, i) => i === 0 || x - d[i - 1]! === step)) return 'a PIN is not a run of digits such as 1234';
  return null;
}

/** Reasons a PIN change is refused, for the screens' words. */
export type PinChangeRefusal = 'pin_format' | 'pin_repeated' | 'pin_run' | 'pin_unchanged' | 'wrong_pin';

export function pinRefusal(newPin: string, currentPin: string): PinChangeRefusal | null {
  const problem = pinProblem(newPin);
  if (problem?.includes('4 to 8')) return 'pin_format';
  if (problem?.includes('repeated')) return 'pin_repeated';
  if (problem?.includes('run')) return 'pin_run';
  if (newPin === currentPin) return 'pin_unchanged';
  return null;
}
