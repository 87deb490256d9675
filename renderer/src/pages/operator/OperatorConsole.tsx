/** The console's own sub-routes under #/operator/… (the app router hands over the path). */
import { NotFoundPage } from '../NotFoundPage';
import { AccountPage } from './AccountPage';
import { AuditPage } from './AuditPage';
import { DashboardPage } from './DashboardPage';
import { ExportPage } from './ExportPage';
import { IdentityProviderPage } from './IdentityProviderPage';
import { ImportPage } from './ImportPage';
import { OathTokensPage } from './OathTokensPage';
import { PersonPage } from './PersonPage';
import { PolicyPage } from './PolicyPage';
import { RosterPage } from './RosterPage';
import { SecurityKeysPage } from './keys/SecurityKeysPage';
import { ProvisionPage } from './provision/ProvisionPage';

export function OperatorConsole({ path }: { path: string }) {
  const clean = path.replace(/\/+$/, '') || '/operator';
  const person = /^\/operator\/people\/([A-Za-z0-9_-]{1,64})$/.exec(clean);
  if (person) return <PersonPage key={person[1]} personId={person[1]} />;
  switch (clean) {
    case '/operator':
      return <DashboardPage />;
    case '/operator/roster':
      return <RosterPage />;
    case '/operator/import':
      return <ImportPage />;
    case '/operator/tokens':
      return <OathTokensPage />;
    case '/operator/policy':
      return <PolicyPage />;
    case '/operator/audit':
      return <AuditPage />;
    case '/operator/export':
      return <ExportPage />;
    case '/operator/keys':
      return <SecurityKeysPage />;
    case '/operator/identity-provider':
      return <IdentityProviderPage />;
    case '/operator/provision':
      return <ProvisionPage />;
    case '/operator/account':
      return <AccountPage />;
    default:
      return <NotFoundPage />;
  }
}
