/** MQTT topic-filter rules (MQTT 3.1.1 §4.7), used by the ACL and by account validation. */

/** A valid filter: levels split by `/`; `+` fills a whole level; `#` only as the whole last level. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.length > 1024 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    if (level.includes('+')) return level === '+';
    return true;
  });
}

/** Does a concrete topic match a filter? `$`-topics never match a filter starting with a wildcard. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Is every topic a subscription filter can match inside `root`'s tree (root itself or below)?
 * `cva/#` and `cva/+/status` are; `#`, `+/visits` and `cvaX/#` are not.
 */
export function filterWithinTree(filter: string, root: string): boolean {
  const f = filter.split('/');
  const r = root.split('/');
  if (f.length < r.length) return false;
  return r.every((level, i) => f[i] === level);
}
