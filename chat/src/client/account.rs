//! The account: registration with the Region's token on first use, the session resumed or renewed.

use super::*;

/// Display-name failures are not worth an error; nothing is logged (no PII in logs).
pub(super) fn tracing_free_note(_e: &matrix_sdk::Error) {}

/// Resumes a stored session on a client (no network).
pub(super) async fn restore(client: &Client, s: &StoredSession) -> Result<()> {
    let session = MatrixSession {
        meta: SessionMeta {
            user_id: parse_user_id(&s.user_id)?,
            device_id: s.device_id.as_str().into(),
        },
        tokens: SessionTokens {
            access_token: s.access_token.clone(),
            refresh_token: None,
        },
    };
    client
        .matrix_auth()
        .restore_session(session, RoomLoadSettings::default())
        .await
        .map_err(|_| ChatError::LocalStore("session").into())
}

impl Chat {
    /// Makes sure the account exists and its session is valid: registers on first use (with the
    /// registration token, a generated username and password, and `display_name` or "Anonyme"),
    /// logs in again with the stored password if the server forgot the session. Offline with a stored
    /// session, it succeeds without checking (the sync will).
    pub async fn connect(&self, display_name: Option<&str>) -> Result<String> {
        self.check_alive()?;
        let client = self.client();
        if let Some(user) = client.user_id().map(|u| u.to_string()) {
            match client.whoami().await {
                Ok(_) => self.back_online(),
                Err(e) => match classify(&matrix_sdk::Error::Http(Box::new(e))) {
                    Failure::Auth => {
                        self.login_again().await?;
                        self.back_online();
                    }
                    Failure::Transient(_) => self.set_connection(ConnectionState::Offline),
                    Failure::Permanent(code) => return Err(ChatError::Refused(code).into()),
                    Failure::Internal(_) => return Err(ChatError::Internal("whoami").into()),
                },
            }
            self.inner.account_ready.notify_waiters();
            return Ok(user);
        }
        let user = match self.register(display_name).await {
            Ok(user) => user,
            Err(e) => {
                if matches!(e, Error::Chat(ChatError::Offline)) {
                    self.set_connection(ConnectionState::Offline);
                }
                return Err(e);
            }
        };
        self.inner.account_ready.notify_waiters();
        self.back_online();
        Ok(user)
    }

    /// Asks the server once, without retrying and within `timeout`, whether it answers and still
    /// knows this session: the connection as it is now, also told to listeners. No sync. Without an
    /// account yet, whether the server answers at all.
    pub async fn check_connection(&self, timeout: Duration) -> ConnectionState {
        let client = self.client();
        let config = RequestConfig::new().disable_retry().timeout(timeout);
        let probe = async {
            if client.user_id().is_some() {
                let request = matrix_sdk::ruma::api::client::account::whoami::v3::Request::new();
                match client.send(request).with_request_config(config).await {
                    Ok(_) => ConnectionState::Online,
                    Err(e) => match classify(&matrix_sdk::Error::Http(Box::new(e))) {
                        Failure::Auth => ConnectionState::SessionExpired,
                        Failure::Transient(_) | Failure::Internal(_) => ConnectionState::Offline,
                        // It answered, refusing this one request: it is there.
                        Failure::Permanent(_) => ConnectionState::Online,
                    },
                }
            } else {
                match client.fetch_server_versions(Some(config)).await {
                    Ok(_) => ConnectionState::Online,
                    Err(_) => ConnectionState::Offline,
                }
            }
        };
        // The request's own timeout bounds it already; this also bounds name resolution and the
        // connection attempt.
        let state = tokio::time::timeout(timeout, probe)
            .await
            .unwrap_or(ConnectionState::Offline);
        self.set_connection(state);
        state
    }

    pub(super) async fn register(&self, display_name: Option<&str>) -> Result<String> {
        let client = self.client();
        let password = format!("{}{}", random_token(), random_token());
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let username = format!("usager-{}", &random_token()[..16]);
            match self
                .register_with_token(&client, &username, &password)
                .await
            {
                Err(e)
                    if attempt < 3
                        && matches!(&e, Error::Chat(ChatError::Refused(c)) if c == "M_USER_IN_USE") =>
                {
                    continue
                }
                other => break other?,
            }
        };
        let session = client
            .matrix_auth()
            .session()
            .ok_or(ChatError::Internal("session absente après inscription"))?;
        let passphrase = self
            .inner
            .new_passphrase
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(ChatError::Internal("phrase de passe absente"))?;
        self.inner.sessions.save(&StoredSession {
            homeserver_url: self.inner.config.homeserver_url.clone(),
            user_id: session.meta.user_id.to_string(),
            device_id: session.meta.device_id.to_string(),
            access_token: session.tokens.access_token.clone(),
            password,
            store_passphrase: passphrase,
        })?;
        let name = display_name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("Anonyme");
        let name: String = name.chars().take(64).collect();
        if let Err(e) = client.account().set_display_name(Some(&name)).await {
            // The account works without it; the advisor sees the generated id meanwhile.
            tracing_free_note(&e);
        }
        Ok(response)
    }

    /// Registration through the user-interactive flow Synapse asks for: the registration token,
    /// then the dummy stage.
    pub(super) async fn register_with_token(
        &self,
        client: &Client,
        username: &str,
        password: &str,
    ) -> Result<String> {
        let token = self.inner.config.registration_token.clone();
        let request = |auth: Option<uiaa::AuthData>| {
            let mut r = RegistrationRequest::new();
            r.username = Some(username.to_string());
            r.password = Some(password.to_string());
            r.initial_device_display_name = Some(self.inner.config.device_name.clone());
            r.auth = auth;
            r
        };
        let mut auth = None;
        for _ in 0..4 {
            match client.matrix_auth().register(request(auth.take())).await {
                Ok(r) => return Ok(r.user_id.to_string()),
                Err(e) => {
                    let Some(info) = e.as_uiaa_response() else {
                        return Err(chat_error(&e));
                    };
                    if info.auth_error.is_some() {
                        return Err(ChatError::RegistrationRefused.into());
                    }
                    let done = |t: &str| info.completed.iter().any(|c| c.as_str() == t);
                    let session = info.session.clone();
                    auth = Some(
                        if !done("m.login.registration_token")
                            && info.flows.iter().any(|f| {
                                f.stages
                                    .iter()
                                    .any(|s| s.as_str() == "m.login.registration_token")
                            })
                        {
                            let Some(token) = token.clone() else {
                                return Err(ChatError::RegistrationRefused.into());
                            };
                            let mut t = uiaa::RegistrationToken::new(token);
                            t.session = session;
                            uiaa::AuthData::RegistrationToken(t)
                        } else {
                            let mut d = uiaa::Dummy::new();
                            d.session = session;
                            uiaa::AuthData::Dummy(d)
                        },
                    );
                }
            }
        }
        Err(ChatError::RegistrationRefused.into())
    }

    /// The server forgot our access token: log in again as the same device (its encryption keys
    /// stay valid) with the stored password, on a fresh client over the same store.
    pub(super) async fn login_again(&self) -> Result<()> {
        let stored = self.inner.sessions.load()?.ok_or(ChatError::NoAccount)?;
        let client = build_client(&self.inner.config, &stored.store_passphrase).await?;
        let response = client
            .matrix_auth()
            .login_username(&stored.user_id, &stored.password)
            .device_id(&stored.device_id)
            .initial_device_display_name(&self.inner.config.device_name)
            .send()
            .await
            .map_err(|e| match classify(&e) {
                Failure::Transient(_) => Error::from(ChatError::Offline),
                _ => ChatError::SessionExpired.into(),
            })?;
        let mut renewed = stored.clone();
        renewed.access_token = response.access_token.clone();
        renewed.device_id = response.device_id.to_string();
        self.inner.sessions.save(&renewed)?;
        match self.inner.client.write() {
            Ok(mut c) => *c = client,
            Err(p) => *p.into_inner() = client,
        }
        self.set_connection(ConnectionState::Offline);
        Ok(())
    }
}
