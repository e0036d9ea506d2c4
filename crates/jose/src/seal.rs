//! Sealing private keys under the KEK: compact JWE, `alg: dir`, `enc: A256GCM`, with the `kid`
//! in the protected (authenticated) header.

use anyhow::anyhow;
use genesis_ports::KeyError;
use josekit::jwe::{self, JweHeader};

use crate::Kek;

pub(crate) fn seal(kek: &Kek, kid: &str, private_pem: &[u8]) -> Result<String, KeyError> {
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_key_id(kid);
    let encrypter =
        jwe::Dir.encrypter_from_bytes(kek.bytes()).map_err(|e| KeyError::Unexpected(anyhow!(e)))?;
    jwe::serialize_compact(private_pem, &header, &encrypter)
        .map_err(|e| KeyError::Unexpected(anyhow!(e)))
}

pub(crate) fn open(kek: &Kek, kid: &str, sealed: &str) -> Result<Vec<u8>, KeyError> {
    let decrypter =
        jwe::Dir.decrypter_from_bytes(kek.bytes()).map_err(|e| KeyError::Unexpected(anyhow!(e)))?;
    let (pem, header) =
        jwe::deserialize_compact(sealed, &decrypter).map_err(|_| KeyError::WrongKek)?;
    if header.key_id() != Some(kid) {
        return Err(KeyError::WrongKek);
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_with_its_kek_and_kid_only() {
        let kek = Kek::generate().unwrap();
        let sealed = seal(&kek, "k1", b"private").unwrap();
        assert!(!sealed.contains("private"));
        assert_eq!(open(&kek, "k1", &sealed).unwrap(), b"private");
        assert!(matches!(open(&kek, "k2", &sealed), Err(KeyError::WrongKek)));
        assert!(matches!(open(&Kek::generate().unwrap(), "k1", &sealed), Err(KeyError::WrongKek)));
    }
}
