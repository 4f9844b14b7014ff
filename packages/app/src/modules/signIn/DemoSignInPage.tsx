import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import type { IdentityApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

const STORAGE_KEY = 'jit-access-demo-user';

/** The demo users and what to try with each. */
export const DEMO_USERS = [
  { name: 'alice', role: 'Engineer, owns nothing', tryThis: 'Request access to sandbox' },
  { name: 'bob', role: 'team-alpha: owner of sandbox', tryThis: "Approve alice's sandbox request" },
  { name: 'frank', role: 'team-beta: owner of production', tryThis: 'Approve production requests' },
  { name: 'erin', role: 'Approver role, owns nothing', tryThis: 'See history; cannot approve what she does not own' },
  { name: 'carol', role: 'Admin', tryThis: 'Step 2 of custom requests, revoke, config page' },
  { name: 'dave', role: 'SSO Admin', tryThis: 'Step 2 of custom requests, config page' },
];

/**
 * Signs in through the backend's `demo` provider as the chosen user. The
 * choice is remembered until sign-out, so reloads keep the session.
 */
export function DemoSignInPage(props: SignInPageProps) {
  const [user, setUser] = useState<string | undefined>(
    () => window.localStorage.getItem(STORAGE_KEY) ?? undefined,
  );

  if (user) {
    return (
      <ProxiedSignInPage
        {...props}
        provider="demo"
        headers={{ 'x-demo-user': user }}
        onSignInSuccess={(identityApi: IdentityApi) =>
          props.onSignInSuccess(withForgetOnSignOut(identityApi))
        }
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Content>
              <Typography color="error">
                Sign-in as {user} failed: {error?.message}
              </Typography>
              <Button
                variant="outlined"
                onClick={() => {
                  window.localStorage.removeItem(STORAGE_KEY);
                  setUser(undefined);
                }}
              >
                Choose another user
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header title="JIT Access demo" subtitle="Sign in as a demo user" />
      <Content>
        <Grid container spacing={2}>
          {DEMO_USERS.map(u => (
            <Grid item xs={12} sm={6} md={4} key={u.name}>
              <InfoCard title={u.name} subheader={u.role}>
                <Typography variant="body2" paragraph>
                  Try: {u.tryThis}
                </Typography>
                <Button
                  variant="contained"
                  color="primary"
                  aria-label={`Sign in as ${u.name}`}
                  onClick={() => {
                    window.localStorage.setItem(STORAGE_KEY, u.name);
                    setUser(u.name);
                  }}
                >
                  Sign in as {u.name}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}

function withForgetOnSignOut(identityApi: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identityApi.getProfileInfo(),
    getBackstageIdentity: () => identityApi.getBackstageIdentity(),
    getCredentials: () => identityApi.getCredentials(),
    signOut: async () => {
      window.localStorage.removeItem(STORAGE_KEY);
      await identityApi.signOut();
    },
  };
}
