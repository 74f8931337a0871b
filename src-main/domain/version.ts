/** The release of Branch Lobby this build is (package.json's version; a unit test holds them equal). */
export const APP_VERSION = '0.2.0';
