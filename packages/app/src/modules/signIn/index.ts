import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { DemoSignInPage } from './DemoSignInPage';

// Imported, not loaded lazily: every visit starts on the sign-in page (it
// signs a returning user in at once), so a chunk of its own would only add a
// request between the app's code and the sign-in.
const demoSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => DemoSignInPage,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [demoSignInPage],
});
