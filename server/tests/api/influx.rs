//! The KPI export against a real InfluxDB 1.x (Debian's `influxd`, installed by `make
//! setup-test`) on loopback: the sampled row arrives as line protocol; an InfluxDB that is away
//! changes nothing for the site.

use crate::helpers::{Visitor, spawn_app};
use reqwest::StatusCode;
use server::{influx::InfluxExport, jobs::kpis};
use std::{process::Child, time::Duration};

/// A throw-away `influxd` on free loopback ports; stopped and deleted when dropped.
struct Influx {
    child: Child,
    dir: std::path::PathBuf,
    url: String,
}

impl Drop for Influx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_influx() -> Influx {
    let dir = std::env::temp_dir().join(format!("rmd-influx-{}", crate::helpers::unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let (http, rpc) = (free_port(), free_port());
    let d = dir.display();
    let config = format!(
        "reporting-disabled = true\nbind-address = \"127.0.0.1:{rpc}\"\n\
         [meta]\n  dir = \"{d}/meta\"\n\
         [data]\n  dir = \"{d}/data\"\n  wal-dir = \"{d}/wal\"\n  query-log-enabled = false\n\
         [http]\n  bind-address = \"127.0.0.1:{http}\"\n  log-enabled = false\n\
         [monitor]\n  store-enabled = false\n"
    );
    let config_path = dir.join("influxdb.conf");
    std::fs::write(&config_path, config).unwrap();
    let child = std::process::Command::new("influxd")
        .arg("run")
        .arg("-config")
        .arg(&config_path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("influxd (Debian's influxdb package; make setup-test installs it)");
    let influx = Influx { child, dir, url: format!("http://127.0.0.1:{http}") };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(format!("{}/ping", influx.url)).send().await.is_ok_and(|r| r.status() == 204)
        {
            return influx;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("influxd did not start");
}

#[tokio::test]
async fn each_sample_goes_to_influxdb_and_an_absent_one_changes_nothing() {
    let influx = start_influx().await;
    let client = reqwest::Client::new();
    let created = client
        .post(format!("{}/query", influx.url))
        .form(&[("q", "CREATE DATABASE rmdtest")])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);

    let app = spawn_app(5).await;
    let mut voter = Visitor::new();
    let ticket = voter.open(&app, "/").await.expect_ticket();
    assert_eq!(voter.vote(&app, &ticket, "4").await.status(), StatusCode::OK);
    let export = InfluxExport::new(&influx.url, "rmdtest").unwrap();
    kpis::sample_and_export(&app.pool, Some(&export)).await.unwrap();

    let answer: serde_json::Value = client
        .get(format!("{}/query", influx.url))
        .query(&[("db", "rmdtest"), ("q", "SELECT counted_votes, voters FROM kpis")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let values = &answer["results"][0]["series"][0]["values"];
    assert_eq!(values.as_array().map(Vec::len), Some(1), "{answer}");
    assert_eq!((values[0][1].as_i64(), values[0][2].as_i64()), (Some(1), Some(1)), "{answer}");

    // InfluxDB gone: the sample is still taken, the job still succeeds.
    drop(influx);
    sqlx::query!("DELETE FROM kpi_samples").execute(&app.pool).await.unwrap();
    let away = InfluxExport::new(&format!("http://127.0.0.1:{}", free_port()), "rmdtest").unwrap();
    assert!(kpis::sample_and_export(&app.pool, Some(&away)).await.unwrap() >= 1);
}
