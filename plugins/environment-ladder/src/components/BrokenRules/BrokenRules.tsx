import type {
  LadderRung,
  LadderViolation,
} from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MuiLink from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { StatusIcon } from '../RungCard/HealthStatus';
import { visuallyHidden } from '../visuallyHidden';
import { ruleTitle, shortenDigests } from './shortenDigests';

function Severity(props: {
  violation: LadderViolation;
  children: React.ReactNode;
}) {
  return (
    <Box display="flex" alignItems="flex-start">
      <StatusIcon
        status={props.violation.severity === 'error' ? 'error' : 'warning'}
      />
      <span>
        <span style={visuallyHidden}>{props.violation.severity}: </span>
        {props.children}
      </span>
    </Box>
  );
}

/**
 * The ladder's broken rules in a few words each, above the ladder; each
 * names its rung, whose details tell the whole sentence.
 */
export function BrokenRulesSummary(props: {
  violations: LadderViolation[];
  rungs: LadderRung[];
  onSelect: (rung: string) => void;
}) {
  const { violations, rungs, onSelect } = props;
  if (violations.length === 0) return null;
  const titleOf = (name: string) =>
    rungs.find(rung => rung.name === name)?.title ?? name;
  // One line per rung and rule: two digests that broke the same rule are one finding.
  const lines = new Map<
    string,
    { violation: LadderViolation; count: number }
  >();
  for (const violation of violations) {
    const key = `${violation.rung}/${violation.rule}`;
    const line = lines.get(key);
    if (line) line.count += 1;
    else lines.set(key, { violation, count: 1 });
  }
  return (
    <Box
      component="section"
      aria-labelledby="broken-rules-heading"
      data-testid="broken-rules"
    >
      <Typography variant="subtitle1" component="h2" id="broken-rules-heading">
        {violations.length} broken ladder rule
        {violations.length === 1 ? '' : 's'}
      </Typography>
      <Box component="ul" m={0} pl={0} style={{ listStyle: 'none' }}>
        {[...lines.values()].map(({ violation, count }) => (
          <Box
            component="li"
            key={`${violation.rung}-${violation.rule}`}
            data-testid={`broken-rule-${violation.rung}-${violation.rule}`}
          >
            <Typography variant="body2" component="span">
              <Severity violation={violation}>
                <MuiLink
                  component="button"
                  variant="body2"
                  onClick={() => onSelect(violation.rung)}
                  style={{ verticalAlign: 'baseline' }}
                >
                  {titleOf(violation.rung)}
                </MuiLink>
                : {ruleTitle(violation.rule)}
                {count > 1 && ` (${count} times)`}
              </Severity>
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

/** One broken rule in full: the sentence with its digests shortened, the full text on demand. */
function BrokenRule(props: { violation: LadderViolation }) {
  const { violation } = props;
  const [full, setFull] = useState(false);
  const short = shortenDigests(violation.message);
  return (
    <Box component="li" mb={1} data-testid={`violation-${violation.rule}`}>
      <Typography variant="body2" component="div">
        <Severity violation={violation}>
          <strong>{ruleTitle(violation.rule)}</strong>
        </Severity>
      </Typography>
      <Typography variant="body2" component="div">
        {full ? violation.message : short}
        {short !== violation.message && (
          <Button
            size="small"
            onClick={() => setFull(!full)}
            aria-expanded={full}
            style={{ marginLeft: 4, textTransform: 'none' }}
          >
            {full ? 'Shorten' : 'Full text'}
          </Button>
        )}
      </Typography>
    </Box>
  );
}

/** A rung's broken rules, each said once. */
export function BrokenRulesList(props: { violations: LadderViolation[] }) {
  if (props.violations.length === 0) return null;
  return (
    <Box component="ul" m={0} pl={0} style={{ listStyle: 'none' }}>
      {props.violations.map(violation => (
        <BrokenRule
          key={`${violation.rule}-${violation.message}`}
          violation={violation}
        />
      ))}
    </Box>
  );
}
