import { Page } from '../../kit/components/layout.js';
import { Empty } from '../../kit/components/feedback.js';
import { kitStrings } from '../../kit/strings.js';
import { S } from '../strings.js';

export function NotFound() {
  return (
    <Page title={S.shell.notFound}>
      <Empty>
        <a href="/">{S.shell.goHome}</a>
      </Empty>
    </Page>
  );
}

/** A page the signed-in role may not open (the server would answer 403): explained, not blank. */
export function Forbidden() {
  return (
    <Page title={S.shell.forbidden}>
      <Empty>
        <p>{kitStrings.forbidden}</p>
        <a href="/">{S.shell.goHome}</a>
      </Empty>
    </Page>
  );
}
export default NotFound;
