//! The cost floor Genesis is measured against, with the server's own settings and crates:
//! argon2id at the default cost (one thread, and two threads at once), Ed25519 and RS256
//! signing through the server's key ring and verification through josekit with the ring's
//! published key (the signature check the ring does for a token it has not seen), the ring's
//! answer for a token it has already verified, and SHA-256 of a refresh token.
//! (Benchmark code: a failed setup step panics with what went wrong.)
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use argon2::{Algorithm, Argon2, Block, Params, Version};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use genesis_domain::{AccessGrant, AccessTokenPolicy, Scope, SecretToken, SigningAlgorithm};
use genesis_jose::{JoseKeyRing, Kek, VerifyPolicy};
use genesis_ports::{KeyMaterial, TokenSigner, TokenVerifier};
use time::OffsetDateTime;

const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;

fn argon2_hash(memory: &mut [Block]) -> [u8; 32] {
    let params = Params::new(MEMORY_KIB, ITERATIONS, 1, Some(32)).unwrap();
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into_with_memory(
            b"a password of ordinary length",
            b"sixteen byte salt",
            &mut out,
            memory,
        )
        .unwrap();
    out
}

fn argon2id(c: &mut Criterion) {
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    let blocks = Params::new(MEMORY_KIB, ITERATIONS, 1, Some(32)).unwrap().block_count();
    let mut memory = vec![Block::default(); blocks];
    group.throughput(Throughput::Elements(1));
    group.bench_function("hash_1_thread", |b| b.iter(|| black_box(argon2_hash(&mut memory))));
    group.throughput(Throughput::Elements(2));
    let mut pair = [vec![Block::default(); blocks], vec![Block::default(); blocks]];
    group.bench_function("hash_2_threads", |b| {
        b.iter(|| {
            let [first, second] = &mut pair;
            std::thread::scope(|s| {
                s.spawn(|| black_box(argon2_hash(first)));
                s.spawn(|| black_box(argon2_hash(second)));
            });
        })
    });
    group.finish();
}

fn ring(algorithm: SigningAlgorithm) -> JoseKeyRing {
    let policy = VerifyPolicy {
        issuer: "http://bench".into(),
        audience: "genesis-api".into(),
        leeway_seconds: 30,
    };
    let ring = JoseKeyRing::new(Kek::generate().unwrap(), algorithm, policy);
    let key = ring.generate(algorithm, "bench", OffsetDateTime::UNIX_EPOCH).unwrap();
    ring.load(&[key]).unwrap();
    ring
}

/// A verifier of the ring's published key, as a relying party (or a cache miss) would use it.
fn published_verifier(
    ring: &JoseKeyRing,
    algorithm: SigningAlgorithm,
) -> Box<dyn josekit::jws::JwsVerifier> {
    let jwks: serde_json::Value = serde_json::from_str(&ring.jwks()).unwrap();
    let jwk = josekit::jwk::Jwk::from_map(jwks["keys"][0].as_object().unwrap().clone()).unwrap();
    match algorithm {
        SigningAlgorithm::EdDsa => Box::new(josekit::jws::EdDSA.verifier_from_jwk(&jwk).unwrap()),
        SigningAlgorithm::Rs256 => Box::new(josekit::jws::RS256.verifier_from_jwk(&jwk).unwrap()),
    }
}

fn signatures(c: &mut Criterion) {
    let now = OffsetDateTime::from_unix_timestamp(2_000_000_000).unwrap();
    let policy = AccessTokenPolicy::new(900, "http://bench", "genesis-api").unwrap();
    let scope = Scope::default();
    let grant = AccessGrant {
        subject: "5f0c2b9e-6a61-4bd4-9a1e-2c51d1f7c0aa",
        client_id: "browser",
        token_id: uuid::Uuid::from_u128(7),
        scope: &scope,
        session_id: None,
        role: None,
    };
    let claims = policy.claims_for(grant, now);
    let mut group = c.benchmark_group("jwt");
    group.throughput(Throughput::Elements(1)).measurement_time(Duration::from_secs(3));
    for (name, algorithm) in
        [("eddsa", SigningAlgorithm::EdDsa), ("rs256", SigningAlgorithm::Rs256)]
    {
        let ring = ring(algorithm);
        let token = ring.sign(&claims).unwrap();
        group.bench_function(format!("{name}_sign"), |b| {
            b.iter(|| black_box(ring.sign(&claims).unwrap()))
        });
        let verifier = published_verifier(&ring, algorithm);
        group.bench_function(format!("{name}_verify"), |b| {
            b.iter(|| {
                black_box(josekit::jwt::decode_with_verifier(&token, verifier.as_ref()).unwrap())
            })
        });
        group.bench_function(format!("{name}_verify_remembered"), |b| {
            b.iter(|| black_box(ring.verify(&token, now).unwrap()))
        });
    }
    group.finish();
}

fn sha256(c: &mut Criterion) {
    let token = SecretToken::from_random([42; 32]);
    let mut group = c.benchmark_group("refresh_token");
    group.throughput(Throughput::Elements(1)).measurement_time(Duration::from_secs(2));
    group.bench_function("sha256", |b| b.iter(|| black_box(token.digest())));
    group.finish();
}

criterion_group!(primitives, argon2id, signatures, sha256);
criterion_main!(primitives);
