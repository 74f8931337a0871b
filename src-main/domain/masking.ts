/**
 * Masking of customer identifiers. Every screen shows masked values by default;
 * the full values never leave the hub in a card payload.
 */

/** 13812345678 -> 138****5678 */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** Card: first 6 and last 4 digits kept. 6222021234567890123 -> 622202*********0123 */
export function maskCardNumber(card: string): string {
  if (card.length <= 10) return '*'.repeat(card.length);
  return card.slice(0, 6) + '*'.repeat(card.length - 10) + card.slice(-4);
}

/** Resident ID: first 3 and last 4 kept. */
export function maskIdNumber(id: string): string {
  if (id.length <= 7) return '*'.repeat(id.length);
  return id.slice(0, 3) + '*'.repeat(id.length - 7) + id.slice(-4);
}

/**
 * Names: Chinese names keep the family name (张** / 欧阳*); Latin names keep the initial
 * of each part (J*** S****).
 */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '';
  if (/^[\u3400-\u9fff·]+$/.test(trimmed)) {
    const chars = Array.from(trimmed);
    if (chars.length === 1) return '*';
    const keep = chars.length >= 4 ? 2 : 1;
    return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
  }
  return trimmed
    .split(/\s+/)
    .map((part) => part[0] + '*'.repeat(Math.max(part.length - 1, 1)))
    .join(' ');
}
