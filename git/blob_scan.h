// Reads blobs from a repository's object database in worker threads and
// scans each one with the Scanner. The one place that knows both libgit2
// objects and the matcher (a "scan worker" per thread).
#ifndef KEYWARD_GIT_BLOB_SCAN_H_
#define KEYWARD_GIT_BLOB_SCAN_H_

#include <git2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "git/flat_map.h"
#include "git/pack_reader.h"
#include "git/repo.h"
#include "keyward/finding.h"
#include "keyward/scan.h"

namespace keyward::git {

struct BlobFinding {
  size_t blob;      // index into the `blobs` argument of ScanBlobs
  Finding finding;  // path: the blob id (callers set the real path)
};

// What scanning every blob of the usable packs found, before anyone knew
// which blobs a history reaches (ScanAllPackedBlobs). A full-history scan
// runs it beside the tree walk, and ScanBlobs then takes each reachable
// blob's outcome from it: the serial parts of the enumeration no longer
// leave a core idle. Unreachable packed blobs are scanned for nothing; after
// a gc or in a clone there are next to none.
struct PackedBlobScan {
  enum Kind : uint8_t {
    kUndecodable,  // not delivered by the pack reader: read it with libgit2
    kScanned,
    kBinary,
    kMismatched,  // the entry does not match its index CRC: unreadable
    kLost,        // its pack shrank while it was read: unreadable
    kFailed,      // the matcher failed on it: unreadable, never "clean"
  };
  // A blob's size, when it is kLargeBytes or more, is in large_bytes.
  static constexpr uint32_t kLargeBytes = (uint32_t{1} << 29) - 1;
  struct Outcome {
    Kind kind : 3 = kUndecodable;
    uint32_t bytes : 29 = 0;  // or kLargeBytes
  };
  static_assert(sizeof(Outcome) == 4, "4 bytes per packed object");
  // By slot: the pack reader's wanted index (its object number). Every
  // object has a slot, so this is the pass's cost per object.
  std::vector<Outcome> outcomes;
  std::unordered_map<uint32_t, uint64_t> large_bytes;  // slot -> size
  uint64_t Bytes(uint32_t slot) const {
    const Outcome& o = outcomes[slot];
    return o.bytes == kLargeBytes ? large_bytes.at(slot) : o.bytes;
  }
  std::vector<BlobFinding> found;  // BlobFinding::blob is a slot here
  // By blob of the enumeration (MatchPackedBlobs): its slot, or kNoSlot
  // when the pass did not read it.
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  std::vector<uint32_t> slot_of_blob;
};

// Scans every blob `packs` (planned with PlanAll) holds with `threads`
// workers, biggest delta tree first. Nothing is warned about here: ScanBlobs
// warns for the reachable blobs that need it. The progress callback sees
// every blob. Memory: 4 bytes per packed object (`outcomes`), besides the
// findings. `scope` as for ScanBlobs.
void ScanAllPackedBlobs(const Scanner& scanner, const PackReader& packs,
                        int threads, PackedBlobScan* out,
                        std::string_view scope = {});

// Fills out->slot_of_blob for `blobs` (the ids ScanBlobs will be given),
// looking each up in the indexes of `packs` (the reader the pass ran on):
// the pass's results are then usable without the reader, which can be
// closed before ScanBlobs reads the rest through libgit2.
// `objects`, when it has one per blob (Enumeration::blob_objects), gives
// their object numbers, and is taken (no lookup, no copy).
void MatchPackedBlobs(const PackReader& packs,
                      const std::vector<git_oid>& blobs,
                      std::vector<uint32_t>* objects, PackedBlobScan* out);

// Scans `blobs` with `threads` workers. Blobs in packs are decoded biggest
// delta tree first, one per worker at a time (PackReader); the rest (loose
// objects, packs the reader cannot use, corrupt entries) is read one by one
// through libgit2 from `git_dir`. Unreadable or corrupt objects and non-blob
// ids are warned about (naming the id) and counted; binary blobs are skipped.
// Memory: per worker, the bases held while a delta tree is decoded (bounded,
// PackDecoder) and the blob being scanned.
// Findings come back in no particular order. With `done` (its slot_of_blob
// filled for `blobs` by MatchPackedBlobs), blobs it scanned are taken from
// it (stats, findings, warnings) and only the rest is read.
// `scope` chooses the file-format rules (Matcher::Scan's `path`): "" runs
// them all (blobs are scanned without their paths; the caller drops what
// does not apply to a blob's path), Matcher::kNoFileFormatRules none.
// `scopes`, when given (and `done` is not), has one per blob in its place
// (e.g. Matcher::FileNamed of a blob's name). Archives and compressed blobs
// choose by their entries' names. `tables_only`, when given (with `scopes`;
// one per blob), marks the blobs of which only the credential columns are
// read (ScanOptions::tables_only: table files whose text an earlier pass
// scanned without their names).
ScanStats ScanBlobs(const Scanner& scanner, const std::string& git_dir,
                    const std::vector<git_oid>& blobs, int threads,
                    std::vector<BlobFinding>* found,
                    const PackedBlobScan* done = nullptr,
                    std::string_view scope = {},
                    const std::vector<std::string>* scopes = nullptr,
                    const std::vector<uint8_t>* tables_only = nullptr);

// Adds the findings of table cells (ScanBlobs's `tables_only` blobs) to
// `found`, both by the same blob indices, except where a finding of the
// blob's first pass already holds the cell (HoldsTableCell), as a
// directory scan reads a table file.
void AddTableFindings(std::vector<BlobFinding> cells,
                      std::vector<BlobFinding>* found);

}  // namespace keyward::git

#endif  // KEYWARD_GIT_BLOB_SCAN_H_
