// The peers the integration suite can need: one table for the build script (tests/build.rs
// `include!`s this file to find them and to fail a CI run that lacks one) and for
// `#[needs]` (which ignores a test with the reason). Plain data, no `use`, so that both
// can include it.

/// One peer: the name `#[needs]` takes, the cfg the build script sets when it is found,
/// what it is, and how to install it.
pub struct Peer {
    pub name: &'static str,
    pub cfg: &'static str,
    pub what: &'static str,
    pub install: &'static str,
}

pub const PEERS: &[Peer] = &[
    Peer {
        name: "apache",
        cfg: "has_apache",
        what: "Apache httpd with mod_auth_digest, and htdigest",
        install: "apt-get install -y apache2 apache2-utils",
    },
    Peer {
        name: "apache_tls",
        cfg: "has_apache_tls",
        what: "Apache httpd with mod_ssl, and the openssl command",
        install: "apt-get install -y apache2 apache2-utils openssl",
    },
    Peer {
        name: "tinyproxy",
        cfg: "has_tinyproxy",
        what: "tinyproxy",
        install: "apt-get install -y tinyproxy",
    },
    Peer {
        name: "oauth_mock",
        cfg: "has_oauth_mock",
        what: "oauth2-mock-server (node and tests/peers/oauth/node_modules)",
        install: "install Node.js >= 20.19, then `npm ci --prefix tests/peers/oauth`",
    },
    Peer {
        name: "prism",
        cfg: "has_prism",
        what: "Prism (node and tests/peers/prism/node_modules)",
        install: "install Node.js >= 20.19, then `npm ci --prefix tests/peers/prism`",
    },
    Peer {
        name: "redis",
        cfg: "has_redis",
        what: "redis-server",
        install: "apt-get install -y redis-server",
    },
    Peer {
        name: "spec",
        cfg: "has_spec",
        what: "the Atlas OpenAPI spec",
        install: "put it at ../shared/atlas-openapi/v2.yaml beside the workspace, or set ATLAS_OPENAPI_SPEC",
    },
];
