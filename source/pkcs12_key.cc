// PKCS#12 keystores opened with an empty or published default password
// (source/pkcs12_key.h).
#include "source/pkcs12_key.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cctype>
#include <memory>

namespace keyward {
namespace {

constexpr size_t kMaxBytes = 1 << 20;

// Passwords that protect nothing: none, empty, and defaults that tools
// write and document (GCP's service-account .p12 files: "notasecret").
constexpr const char* kDefaultPasswords[] = {"", "notasecret"};

struct P12Free {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct SafesFree {
  void operator()(STACK_OF(PKCS7) * s) const {
    sk_PKCS7_pop_free(s, PKCS7_free);
  }
};
struct BagsFree {
  void operator()(STACK_OF(PKCS12_SAFEBAG) * s) const {
    sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
  }
};

// Iteration count of a PKCS#12 PBE (PBEPARAM) or PBES2/PBKDF2 algorithm;
// -1 when it cannot be read (not tried then).
long PbeIterations(const X509_ALGOR* alg) {
  const ASN1_OBJECT* oid = nullptr;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(&oid, &ptype, &pval, alg);
  if (ptype != V_ASN1_SEQUENCE || pval == nullptr) return -1;
  const ASN1_STRING* seq = static_cast<const ASN1_STRING*>(pval);
  const unsigned char* p = ASN1_STRING_get0_data(seq);
  long len = ASN1_STRING_length(seq);
  if (OBJ_obj2nid(oid) == NID_pbes2) {
    PBE2PARAM* pbe2 = d2i_PBE2PARAM(nullptr, &p, len);
    if (pbe2 == nullptr) return -1;
    long iter = -1;
    if (OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2 &&
        pbe2->keyfunc->parameter != nullptr &&
        pbe2->keyfunc->parameter->type == V_ASN1_SEQUENCE) {
      const ASN1_STRING* kdf = pbe2->keyfunc->parameter->value.sequence;
      const unsigned char* q = ASN1_STRING_get0_data(kdf);
      PBKDF2PARAM* params =
          d2i_PBKDF2PARAM(nullptr, &q, ASN1_STRING_length(kdf));
      if (params != nullptr) iter = ASN1_INTEGER_get(params->iter);
      PBKDF2PARAM_free(params);
    }
    PBE2PARAM_free(pbe2);
    return iter;
  }
  PBEPARAM* pbe = d2i_PBEPARAM(nullptr, &p, len);
  if (pbe == nullptr) return -1;
  long iter = ASN1_INTEGER_get(pbe->iter);
  PBEPARAM_free(pbe);
  return iter;
}

bool IterationsOk(long iter) {
  return iter >= 1 && iter <= kMaxPkcs12Iterations;
}

// Appends the PEM of the shrouded key bags in `bags` decrypted with `pass`.
void AppendKeys(const STACK_OF(PKCS12_SAFEBAG) * bags, const char* pass,
                std::string* pem) {
  for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); i++) {
    const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
    EVP_PKEY* key = nullptr;
    if (PKCS12_SAFEBAG_get_nid(bag) == NID_keyBag) {
      key = EVP_PKCS82PKEY(PKCS12_SAFEBAG_get0_p8inf(bag));
    } else if (PKCS12_SAFEBAG_get_nid(bag) == NID_pkcs8ShroudedKeyBag) {
      const X509_ALGOR* alg = nullptr;
      X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, nullptr);
      if (!IterationsOk(PbeIterations(alg))) continue;
      PKCS8_PRIV_KEY_INFO* info = PKCS12_decrypt_skey(bag, pass, -1);
      if (info == nullptr) continue;
      key = EVP_PKCS82PKEY(info);
      PKCS8_PRIV_KEY_INFO_free(info);
    }
    if (key == nullptr) continue;
    BIO* out = BIO_new(BIO_s_mem());
    if (out != nullptr && PEM_write_bio_PrivateKey(out, key, nullptr, nullptr,
                                                   0, nullptr, nullptr) == 1) {
      char* text = nullptr;
      long n = BIO_get_mem_data(out, &text);
      if (n > 0) pem->append(text, static_cast<size_t>(n));
    }
    BIO_free(out);
    EVP_PKEY_free(key);
  }
}

}  // namespace

bool IsPkcs12Path(std::string_view path) {
  if (path.size() < 4) return false;
  std::string ext(path.substr(path.size() - 4));
  for (char& c : ext) c = static_cast<char>(std::tolower((unsigned char)c));
  return ext == ".p12" || ext == ".pfx";
}

std::string OpenPkcs12Keys(std::string_view data, std::string* password) {
  if (data.empty() || data.size() > kMaxBytes) return {};
  const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
  std::unique_ptr<PKCS12, P12Free> p12(
      d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
  if (!p12 || !PKCS12_mac_present(p12.get())) return {};
  const ASN1_INTEGER* mac_iter = nullptr;
  PKCS12_get0_mac(nullptr, nullptr, nullptr, &mac_iter, p12.get());
  // An absent iteration count means 1 (RFC 7292).
  long iter = mac_iter == nullptr ? 1 : ASN1_INTEGER_get(mac_iter);
  if (!IterationsOk(iter)) return {};
  for (const char* pass : kDefaultPasswords) {
    if (PKCS12_verify_mac(p12.get(), pass, -1) != 1 &&
        !(*pass == '\0' && PKCS12_verify_mac(p12.get(), nullptr, 0) == 1)) {
      continue;
    }
    std::unique_ptr<STACK_OF(PKCS7), SafesFree> safes(
        PKCS12_unpack_authsafes(p12.get()));
    if (!safes) return {};
    std::string pem;
    for (int i = 0; i < sk_PKCS7_num(safes.get()); i++) {
      PKCS7* safe = sk_PKCS7_value(safes.get(), i);
      // Key bags sit in plain data safes; encrypted safes (certificates,
      // often RC2) are not opened.
      if (OBJ_obj2nid(safe->type) != NID_pkcs7_data) continue;
      std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), BagsFree> bags(
          PKCS12_unpack_p7data(safe));
      if (bags) AppendKeys(bags.get(), pass, &pem);
    }
    if (!pem.empty()) *password = pass;
    return pem;
  }
  return {};
}

}  // namespace keyward
