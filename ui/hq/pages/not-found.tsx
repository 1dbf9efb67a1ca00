import { Page } from '../../kit/components/layout.js';
import { S } from '../strings.js';

export default function NotFound() {
  return (
    <Page title={S.shell.notFound}>
      <p>
        <a href="/">{S.shell.goHome}</a>
      </p>
    </Page>
  );
}
