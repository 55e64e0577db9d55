import { asArray } from './asArray';
import { asString } from './asString';
import { asStringMap } from './asStringMap';
import { field } from './field';

/**
 * Whether labels satisfy a Kubernetes label selector. An empty, missing or malformed
 * selector matches nothing: it must never pull every pod of a namespace into a workload.
 */
export function labelSelectorMatches(
  selector: unknown,
  labels: Map<string, string>,
): boolean {
  const matchLabels = asStringMap(field(selector, 'matchLabels'));
  const expressions = asArray(field(selector, 'matchExpressions'));
  if (matchLabels.size === 0 && expressions.length === 0) {
    return false;
  }
  for (const [key, value] of matchLabels) {
    if (labels.get(key) !== value) {
      return false;
    }
  }
  for (const expression of expressions) {
    const key = asString(field(expression, 'key'));
    const operator = asString(field(expression, 'operator'));
    const values = asArray(field(expression, 'values')).filter(
      (value): value is string => typeof value === 'string',
    );
    if (!key) {
      return false;
    }
    const value = labels.get(key);
    switch (operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
