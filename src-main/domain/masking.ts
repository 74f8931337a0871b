/**
 * Masking of customer identifiers. Every screen shows masked values by default;
 * the full values never leave the hub in a card payload.
 */

/**
 * 13812345678 -> 138****5678. Shorter values (landlines) keep only the last 4 digits and a value
 * of 7 digits or fewer is masked entirely, so at least 4 digits are always hidden.
 */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  if (phone.length < 11) return '*'.repeat(phone.length - 4) + phone.slice(-4);
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

/** Two-character (compound) family names: the whole family name stays visible. */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯',
  '令狐', '端木', '独孤', '南宫', '西门', '轩辕', '澹台', '呼延', '百里', '东郭', '太史', '申屠', '钟离',
  '闻人', '万俟', '赫连', '公冶', '濮阳', '淳于', '单于', '仲孙', '太叔', '宗政', '拓跋', '公羊', '司空',
]);

/**
 * Names: Chinese names keep the family name (张** / 欧阳* / 欧阳**); Latin names keep the initial
 * of each part (J*** S****).
 */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '';
  if (/^[\u3400-\u9fff·]+$/.test(trimmed)) {
    const chars = Array.from(trimmed);
    if (chars.length === 1) return '*';
    const keep = chars.length >= 3 && COMPOUND_SURNAMES.has(chars[0]! + chars[1]!) ? 2 : 1;
    return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
  }
  return trimmed
    .split(/\s+/)
    .map((part) => part[0] + '*'.repeat(Math.max(part.length - 1, 1)))
    .join(' ');
}
