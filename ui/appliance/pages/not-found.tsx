import { Page } from '../../kit/components/layout.js';
import { Empty } from '../../kit/components/feedback.js';
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
export default NotFound;
