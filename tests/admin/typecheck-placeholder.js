// An input for tsc that is always there: tsc refuses to run with no input at all,
// which would be the case before admin/assets has any module. It also proves that
// `masthead-api` resolves to the generated schema, the way the client's JSDoc uses it.

/** @typedef {import('masthead-api').components['schemas']['ArticleResponse']} ArticleResponse */
/** @typedef {import('masthead-api').paths['/api/v1/auth/login']['post']} LoginOperation */

/**
 * @param {ArticleResponse} article
 * @returns {string}
 */
export function headlineOf(article) {
  return article.headline;
}

/** @type {LoginOperation['requestBody'] extends { content: { 'application/json': infer B } } ? B : never} */
export const exampleLogin = { email: 'admin@example.org', password: 'a long admin passphrase' };
