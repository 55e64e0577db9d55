export { BrokenRulesList, BrokenRulesSummary } from './BrokenRules';
export { ruleTitle, shortenDigests } from './shortenDigests';
