//! The application as a value: `Application::build(settings)` prepares everything (data folder,
//! master key, database and migrations, key bootstrap, first admin, policies) and binds the
//! listener; `run_until_stopped` serves until a shutdown signal. Port 0 lets tests run many.

use crate::config::Settings;
use crate::workflow::clock::{Clock, SystemClock};
use crate::workflow::{Platform, bootstrap};
use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

pub struct Application {
    port: u16,
    server: Server,
    platform: Platform,
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        Self::build_with_clock(settings, Arc::new(SystemClock))
    }

    /// As `build`, with the clock injected (tests move time instead of sleeping).
    pub fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        let platform = bootstrap::prepare(settings, clock)?;
        let listener = TcpListener::bind(&platform.settings.server.listen)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", platform.settings.server.listen))?;
        let port = listener.local_addr()?.port();
        let data = web::Data::new(platform.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::default())
                .app_data(data.clone())
                .configure(crate::web::configure)
                .default_service(web::to(crate::web::error::not_found))
        })
        .listen(listener)?;
        if platform.settings.server.workers > 0 {
            server = server.workers(platform.settings.server.workers);
        }
        let server = server.shutdown_timeout(10).run();
        tracing::info!(port, backend = platform.db.backend().as_str(), "listening");
        Ok(Application { port, server, platform })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// Serves until SIGINT/SIGTERM (actix handles both with a graceful drain), then lets the
    /// access-log writer commit what is queued and sign a last checkpoint.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.platform.audit.shutdown();
        served
    }
}
