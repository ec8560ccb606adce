//! TLS: which backend a client's HTTP connections use, and the roots it trusts besides the
//! platform's.
//!
//! | features enabled | backend |
//! |------------------|---------|
//! | `rustls` (the default) | rustls with the `ring` crypto provider, or the process's default provider when the application installed one |
//! | `rustls-aws-lc` | rustls with the `aws-lc-rs` provider (reqwest's own rustls set-up) |
//! | `native-tls` | the platform's library (OpenSSL, Secure Transport, SChannel); it wins over rustls when both are enabled |
//! | none | plain `http` only: a client for an `https` URL is refused when it is built |
//!
//! Certificates are checked against the platform's roots (`rustls-platform-verifier` for
//! rustls), plus any root given to `ClientConfig::root_certificate`.

use crate::ConfigError;

/// Whether some TLS backend is compiled in.
pub(crate) const AVAILABLE: bool = cfg!(any(
    feature = "rustls",
    feature = "rustls-aws-lc",
    feature = "native-tls"
));

/// A `reqwest::ClientBuilder` with the TLS backend this build's features choose, to start from
/// when you build a `reqwest::Client` of your own for a generated client's `new_with_client`.
///
/// With the default `rustls` feature, reqwest is built without a crypto provider of its own
/// (`rustls-no-provider`), so a plain `reqwest::Client::builder().build()` panics ("No rustls
/// crypto provider is configured") unless the application installed a process-wide default
/// provider or enabled reqwest's own `rustls` feature. This builder carries a ready TLS set-up
/// instead, as every client made by `ClientConfig` does.
///
/// ```
/// let http = user_apis_runtime::http_client_builder()?
///     .default_headers(Default::default())
///     .build()?;
/// # let _ = http;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ConfigError::Tls`] when the platform's certificate verifier cannot be set up.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    configure(reqwest::Client::builder(), &[])
}

/// `builder` set up to trust `roots` (PEM certificates) besides the platform's roots, with the
/// backend the enabled features choose.
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, ConfigError> {
    #[cfg(all(
        feature = "rustls",
        not(feature = "rustls-aws-lc"),
        not(feature = "native-tls")
    ))]
    {
        ring::configure(builder, roots)
    }
    #[cfg(any(feature = "rustls-aws-lc", feature = "native-tls"))]
    {
        let mut builder = builder;
        for pem in roots {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|_| ConfigError::InvalidRootCertificate)?;
            if certificates.is_empty() {
                return Err(ConfigError::InvalidRootCertificate);
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        Ok(builder)
    }
    // No TLS backend: a root certificate could never be used.
    #[cfg(not(any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls")))]
    {
        if roots.is_empty() {
            Ok(builder)
        } else {
            Err(ConfigError::TlsUnavailable)
        }
    }
}

/// rustls with the `ring` provider: reqwest is built with `rustls-no-provider`, so the client
/// gets a ready TLS configuration instead of reqwest's own, which would need a provider
/// installed for the whole process.
#[cfg(all(
    feature = "rustls",
    not(feature = "rustls-aws-lc"),
    not(feature = "native-tls")
))]
mod ring {
    use std::sync::Arc;

    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;

    use crate::ConfigError;

    pub(super) fn configure(
        builder: reqwest::ClientBuilder,
        roots: &[Vec<u8>],
    ) -> Result<reqwest::ClientBuilder, ConfigError> {
        // A provider the application installed for the process wins, as it does in reqwest.
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let mut extra = Vec::new();
        for pem in roots {
            let before = extra.len();
            for certificate in CertificateDer::pem_slice_iter(pem) {
                extra.push(certificate.map_err(|_| ConfigError::InvalidRootCertificate)?);
            }
            if extra.len() == before {
                return Err(ConfigError::InvalidRootCertificate);
            }
        }
        let verifier = verifier(extra, provider.clone())?;
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| ConfigError::Tls(error.into()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(builder.tls_backend_preconfigured(tls))
    }

    /// The platform's verifier, trusting `extra` roots besides the platform's where the
    /// platform allows it (as reqwest does).
    #[cfg(any(all(unix, not(target_os = "android")), target_os = "windows"))]
    fn verifier(
        extra: Vec<CertificateDer<'static>>,
        provider: Arc<CryptoProvider>,
    ) -> Result<rustls_platform_verifier::Verifier, ConfigError> {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
            .map_err(|error| ConfigError::Tls(error.into()))
    }

    /// The platform's verifier; this platform takes no extra roots.
    #[cfg(not(any(all(unix, not(target_os = "android")), target_os = "windows")))]
    fn verifier(
        extra: Vec<CertificateDer<'static>>,
        provider: Arc<CryptoProvider>,
    ) -> Result<rustls_platform_verifier::Verifier, ConfigError> {
        if !extra.is_empty() {
            return Err(ConfigError::InvalidRootCertificate);
        }
        rustls_platform_verifier::Verifier::new(provider)
            .map_err(|error| ConfigError::Tls(error.into()))
    }
}

#[cfg(all(
    test,
    any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls")
))]
mod tests {
    //! A real TLS call, with whichever backend this build enabled, to a local server whose
    //! certificate a test authority signed (`testdata/tls`, made by its `make.sh`). CI runs
    //! these once per TLS feature.

    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use crate::ClientConfig;

    const CA: &[u8] = include_bytes!("../testdata/tls/ca.pem");
    const CERTIFICATE: &[u8] = include_bytes!("../testdata/tls/localhost.pem");
    const KEY: &[u8] = include_bytes!("../testdata/tls/localhost.key");

    /// A TLS server on a local port that answers each connection's first request with
    /// `200 OK` and a JSON body; returns its port.
    async fn serve() -> u16 {
        use rustls::pki_types::pem::PemObject as _;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};

        let chain = CertificateDer::pem_slice_iter(CERTIFICATE)
            .collect::<Result<Vec<_>, _>>()
            .expect("the test certificate");
        let key = PrivateKeyDer::from_pem_slice(KEY).expect("the test key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("the test certificate and key");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let port = listener.local_addr().expect("its address").port();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake here.
                    let Ok(mut stream) = acceptor.accept(stream).await else {
                        return;
                    };
                    let mut request = Vec::new();
                    let mut buffer = [0; 1024];
                    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&buffer[..read]),
                        }
                    }
                    let body = br#"{"tls":true}"#;
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        port
    }

    #[tokio::test]
    async fn a_server_signed_by_an_added_root_is_reached_over_tls() {
        let port = serve().await;
        for host in ["localhost", "127.0.0.1"] {
            let parts = ClientConfig::new(format!("https://{host}:{port}"))
                .root_certificate(CA)
                .build(None)
                .expect("a client trusting the test authority");
            let response = parts
                .http
                .get(format!("{}/api/v1/users", parts.base_url))
                .send()
                .await
                .expect("a TLS answer");
            assert_eq!(response.status(), 200, "{host}");
            assert_eq!(
                response.text().await.expect("the body"),
                r#"{"tls":true}"#,
                "{host}"
            );
        }
    }

    #[tokio::test]
    async fn a_server_signed_by_an_unknown_authority_is_refused() {
        let port = serve().await;
        let parts = ClientConfig::new(format!("https://localhost:{port}"))
            .build(None)
            .expect("a client trusting the platform's roots only");
        let error = parts
            .http
            .get(format!("{}/api/v1/users", parts.base_url))
            .send()
            .await
            .expect_err("the certificate is not trusted");
        assert!(error.is_connect(), "{error:?}");
    }

    #[test]
    fn a_root_certificate_that_is_not_pem_is_refused_when_the_client_is_built() {
        for bad in [&b""[..], b"not a certificate", KEY] {
            let error = ClientConfig::new("https://localhost")
                .root_certificate(bad)
                .build(None)
                .expect_err("not a certificate");
            assert_eq!(
                error.to_string(),
                "invalid root certificate: expected one or more PEM certificates"
            );
        }
    }
}

#[cfg(all(
    test,
    not(any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls"))
))]
mod without_tls_tests {
    //! A build without any TLS feature: CI runs these with `--no-default-features`.

    use crate::ClientConfig;

    #[test]
    fn an_https_client_is_refused_when_built_naming_the_features() {
        let error = ClientConfig::new("https://example.com")
            .build(None)
            .expect_err("no TLS backend");
        assert_eq!(
            error.to_string(),
            "the base URL is https, but no TLS backend is built in: enable the `rustls`, \
             `rustls-aws-lc` or `native-tls` feature"
        );
        ClientConfig::new("http://127.0.0.1:8080")
            .build(None)
            .expect("plain HTTP needs no TLS");
    }

    #[test]
    fn a_root_certificate_is_refused_without_a_backend() {
        let error = ClientConfig::new("http://127.0.0.1:8080")
            .root_certificate(&include_bytes!("../testdata/tls/ca.pem")[..])
            .build(None)
            .expect_err("no TLS backend to trust it");
        assert!(
            matches!(error, crate::ConfigError::TlsUnavailable),
            "{error:?}"
        );
    }
}
