"""Single sign-on: people of the company's e-mail domains sign in at its identity provider.

allauth's ``openid_connect`` and ``saml`` providers do the protocol work; this package
decides who may come in that way and what Spoke learns from them:

- ``providers``: which provider signs in which e-mail domain (the log-in page's routing);
- ``claims``: reading name, department and manager from what a provider sends;
- ``services``: creating and updating people from that, with an audit trail;
- ``adapters``: allauth's hooks, where the rules above are applied;
- ``views``: the e-mail-first step of the log-in page.

See docs/sso.md for how a company sets it up.
"""
