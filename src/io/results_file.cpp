#include "modesweep/io/results_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <exception>
#include <limits>
#include <stdexcept>

namespace modesweep::io {
namespace {

static_assert(sizeof(hid_t) == sizeof(std::int64_t), "hid_t is stored as int64_t");

// The result datasets: the exact ones (MODEL.md 3, 5) for mode exact|both, the Monte Carlo
// summaries (MODEL.md 4) for mode mc|both. All float64 but the int8 bottleneck flag.
// `depends_on` lists the axes (MODEL.md order, spec::Axis) a value is a function of, given
// the model constants: in a factorial file the dataset spans those dimensions only (eps_N is
// dL(N, inf, inf), a function of alpha, gamma, N; eps_D = dL(inf, D, inf) of alpha, D; eps_tau
// = dL(inf, inf, tau) of alpha, beta, tau). Storing them over all six would repeat each value
// up to |beta| |D| |tau| times: three quarters of a file's bytes.
using AxisSet = std::array<bool, spec::axis_count>;
// In spec::axis_names order: alpha, beta, gamma, N, D, tau.
constexpr AxisSet all_axes = {true, true, true, true, true, true};
constexpr AxisSet eps_N_axes = {true, false, true, true, false, false};
constexpr AxisSet eps_D_axes = {true, false, false, false, true, false};
constexpr AxisSet eps_tau_axes = {true, true, false, false, false, true};
struct ResultColumn {
  const char* name;
  sweep::ChunkVector<double> sweep::ChunkResults::*values;  // nullptr: bottleneck
  bool monte_carlo;
  const char* long_name;
  AxisSet depends_on;
};
const ResultColumn result_columns[] = {
    {"dL", &sweep::ChunkResults::dL, false, "reducible loss dL(N, D, tau), MODEL.md 3", all_axes},
    {"eps_N", &sweep::ChunkResults::eps_N, false, "single-resource loss eps_N, MODEL.md 5",
     eps_N_axes},
    {"eps_D", &sweep::ChunkResults::eps_D, false, "single-resource loss eps_D, MODEL.md 5",
     eps_D_axes},
    {"eps_tau", &sweep::ChunkResults::eps_tau, false, "single-resource loss eps_tau, MODEL.md 5",
     eps_tau_axes},
    {"bottleneck", nullptr, false, "largest of eps_N (capacity), eps_D (data), eps_tau (time)",
     all_axes},
    {"mc_mean", &sweep::ChunkResults::mc_mean, true, "Monte Carlo mean of dL, MODEL.md 4",
     all_axes},
    {"mc_stderr", &sweep::ChunkResults::mc_stderr, true,
     "standard error of mc_mean: replica sd / sqrt(replicas)", all_axes},
    {"mc_q05", &sweep::ChunkResults::mc_q05, true, "5% quantile of the replicas of dL", all_axes},
    {"mc_q50", &sweep::ChunkResults::mc_q50, true, "median of the replicas of dL", all_axes},
    {"mc_q95", &sweep::ChunkResults::mc_q95, true, "95% quantile of the replicas of dL", all_axes},
};
bool column_in(const ResultColumn& column, spec::Mode mode) {
  return column.monte_carlo ? spec::has_mc_mode(mode) : spec::has_exact_mode(mode);
}

// The dimensions of the full-rank storage a column's dataset keeps: in a whole factorial file
// the axes it depends on (factorial_storage_order), else all (one `point` dimension).
std::vector<bool> kept_dimensions(const ResultColumn& column, bool whole_factorial,
                                  std::size_t rank) {
  std::vector<bool> kept(rank, true);
  if (!whole_factorial) return kept;
  for (std::size_t d = 0; d < rank; ++d)
    kept[d] = column.depends_on[static_cast<std::size_t>(grid::factorial_storage_order[d])];
  return kept;
}

// A full-rank shape restricted to the kept dimensions.
std::vector<std::uint64_t> kept_shape(const std::vector<std::uint64_t>& shape,
                                      const std::vector<bool>& kept) {
  std::vector<std::uint64_t> out;
  for (std::size_t d = 0; d < shape.size(); ++d)
    if (kept[d]) out.push_back(shape[d]);
  return out;
}

// The same for a file of `shape`: a whole factorial file has the grid's six dimensions.
std::vector<bool> kept_dimensions(const ResultColumn& column, const grid::Grid& grid,
                                  const std::vector<std::uint64_t>& shape) {
  return kept_dimensions(column, grid.is_factorial() && shape.size() == grid.shape().size(),
                         shape.size());
}

bool reduced(const std::vector<bool>& kept) {
  return std::find(kept.begin(), kept.end(), false) != kept.end();
}
constexpr const char* progress_group = "sweep_progress";
constexpr const char* progress_dataset = "sweep_progress/chunk_done";

// Owns one HDF5 identifier; the close function depends on its kind.
class Handle {
 public:
  Handle() = default;
  // An empty `what` accepts a failed id (the caller checks get() < 0 itself).
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0 && !what.empty()) throw ResultsFileError("HDF5: cannot " + what);
  }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
    return *this;
  }
  Handle(const Handle&) = delete;
  ~Handle() { reset(); }
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = -1;
  }
  hid_t get() const { return id_; }
  hid_t release() {
    const hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw ResultsFileError("HDF5: cannot " + what);
}

Handle space(const std::vector<hsize_t>& dims) {
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                "create a dataspace");
}

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), "make a variable-length string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "set UTF-8");
  return t;
}

// A scalar attribute `name` of `type` on `object`, replacing one of that name (a resume
// rewrites the run attributes).
Handle create_scalar_attribute(hid_t object, const char* name, hid_t type) {
  Handle scalar(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar dataspace");
  if (H5Aexists(object, name) > 0) check(H5Adelete(object, name), std::string("replace ") + name);
  return Handle(H5Acreate2(object, name, type, scalar.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                std::string("create attribute ") + name);
}

void write_string_attribute(hid_t object, const char* name, const std::string& value) {
  const Handle type = string_type();
  const Handle attr = create_scalar_attribute(object, name, type.get());
  const char* data = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &data), std::string("write attribute ") + name);
}

template <class T>
void write_number_attribute(hid_t object, const char* name, T value, hid_t mem_type,
                            hid_t file_type) {
  const Handle attr = create_scalar_attribute(object, name, file_type);
  check(H5Awrite(attr.get(), mem_type, &value), std::string("write attribute ") + name);
}

void write_double_attribute(hid_t object, const char* name, double value) {
  write_number_attribute(object, name, value, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
}
void write_uint64_attribute(hid_t object, const char* name, std::uint64_t value) {
  write_number_attribute(object, name, value, H5T_NATIVE_UINT64, H5T_STD_U64LE);
}

// Reads any scalar attribute as text (strings as they are, numbers with 17 digits).
std::string read_attribute_text(hid_t object, const char* name) {
  Handle attr(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, std::string("open attribute ") + name);
  Handle type(H5Aget_type(attr.get()), H5Tclose, "read an attribute type");
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_STRING) {
    if (H5Tis_variable_str(type.get()) > 0) {
      const Handle mem = string_type();
      char* data = nullptr;
      check(H5Aread(attr.get(), mem.get(), &data), std::string("read attribute ") + name);
      std::string value = data != nullptr ? data : "";
      H5free_memory(data);
      return value;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::string value(size, '\0');
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
    check(H5Tset_size(mem.get(), size), "size a string type");
    check(H5Aread(attr.get(), mem.get(), value.data()), std::string("read attribute ") + name);
    return value.substr(0, value.find('\0'));
  }
  if (cls == H5T_INTEGER) {
    long long value = 0;
    check(H5Aread(attr.get(), H5T_NATIVE_LLONG, &value), std::string("read attribute ") + name);
    return std::to_string(value);
  }
  if (cls == H5T_FLOAT) {
    double value = 0.0;
    check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), std::string("read attribute ") + name);
    return fmt::format("{}", value);
  }
  return "(unsupported type)";
}

Handle collective_transfer() {
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create a transfer property list");
  check(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), "request collective I/O");
  return dxpl;
}

// The transfer property list of the round writes (write_round, commit_round): independent
// when every rank syncs its own data (ResultsFile::independent_rounds).
Handle round_transfer(bool independent) {
  if (!independent) return collective_transfer();
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create a transfer property list");
  check(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_INDEPENDENT), "request independent I/O");
  return dxpl;
}

// Dataset storage chunk: trailing dimensions first, up to about 64Ki elements.
std::vector<hsize_t> storage_chunk(const std::vector<std::uint64_t>& shape) {
  std::vector<hsize_t> chunk(shape.size(), 1);
  hsize_t elements = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    const hsize_t want = std::max<hsize_t>(1, (hsize_t{1} << 16) / elements);
    chunk[d] = std::min<hsize_t>(std::max<std::uint64_t>(shape[d], 1), want);
    elements *= chunk[d];
  }
  return chunk;
}

Handle create_dataset(hid_t file, const char* name, hid_t file_type,
                      const std::vector<std::uint64_t>& shape) {
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  const Handle s = space(dims);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create a dataset property list");
  const std::vector<hsize_t> chunk = storage_chunk(shape);
  check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "chunk a dataset");
  // Space is allocated now and never filled: after creation only raw data is written into a
  // dataset, so a killed run leaves its chunk index consistent; chunk_done says which values
  // are real. (The root's status and run attributes are rewritten, each time followed by a
  // flush, only at the start of a resume and at the end of a run.)
  check(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), "set early allocation");
  check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "disable fill values");
  return Handle(H5Dcreate2(file, name, file_type, s.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                H5Dclose, std::string("create dataset ") + name);
}

std::vector<std::uint64_t> dataset_shape(hid_t dataset) {
  Handle s(H5Dget_space(dataset), H5Sclose, "get a dataspace");
  const int rank = H5Sget_simple_extent_ndims(s.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(s.get(), dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

// [begin, begin + count) of a 1-D dataset as boxes (none when count = 0).
std::vector<sweep::Box> line_boxes(std::uint64_t begin, std::uint64_t count) {
  if (count == 0) return {};
  return {sweep::Box{{begin}, {count}}};
}

// Writes `boxes` of dataset `name` (in index order, as sweep::flat_range_boxes gives them) from
// the consecutive elements of `data`, each box from a memory space of its own shape: HDF5 then
// maps whole boxes onto storage chunks, where with a 1-D memory space it iterates element by
// element (perf: 50% of the write time). Makes `calls` H5Dwrite calls, at least the number of
// boxes; the surplus ones select nothing. With a collective transfer every rank must make
// as many.
void write_boxes(hid_t file, const char* name, hid_t mem_type, const void* data,
                 const std::vector<sweep::Box>& boxes, int calls, hid_t dxpl) {
  Handle ds(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, std::string("open dataset ") + name);
  if (static_cast<int>(boxes.size()) > calls) throw std::logic_error("write_boxes: too few calls");
  const std::size_t element = H5Tget_size(mem_type);
  std::size_t offset = 0;  // elements of `data` written so far
  for (int call = 0; call < calls; ++call) {
    Handle file_space(H5Dget_space(ds.get()), H5Sclose, "get a dataspace");
    Handle mem_space;
    const void* buffer = nullptr;
    if (call < static_cast<int>(boxes.size())) {
      const sweep::Box& box = boxes[static_cast<std::size_t>(call)];
      const std::vector<hsize_t> start(box.start.begin(), box.start.end());
      const std::vector<hsize_t> n(box.count.begin(), box.count.end());
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, n.data(),
                                nullptr),
            "select a hyperslab");
      mem_space = space(n);
      buffer = static_cast<const char*>(data) + offset * element;
      std::size_t size = 1;
      for (hsize_t c : n) size *= static_cast<std::size_t>(c);
      offset += size;
    } else {
      check(H5Sselect_none(file_space.get()), "select nothing");
      mem_space = space({1});
      check(H5Sselect_none(mem_space.get()), "select nothing");
    }
    check(H5Dwrite(ds.get(), mem_type, mem_space.get(), file_space.get(), dxpl, buffer),
          std::string("write dataset ") + name);
  }
}

// The chunk flags, sized by the dataset itself (`dxpl`: H5P_DEFAULT or collective).
std::vector<std::uint8_t> read_chunk_done(hid_t file, hid_t dxpl) {
  Handle done(H5Dopen2(file, progress_dataset, H5P_DEFAULT), H5Dclose, "open chunk_done");
  const std::vector<std::uint64_t> shape = dataset_shape(done.get());
  std::vector<std::uint8_t> flags(static_cast<std::size_t>(shape.empty() ? 0 : shape[0]));
  check(H5Dread(done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, dxpl, flags.data()),
        "read chunk_done");
  return flags;
}

}  // namespace

ResultsFile::ResultsFile(std::int64_t file, MPI_Comm comm, const grid::Grid& grid,
                         std::uint64_t chunk_points, sweep::Shard shard)
    : file_(file),
      comm_(comm),
      grid_(&grid),
      chunk_points_(chunk_points),
      extent_(sweep::shard_extent(sweep::ChunkLayout{grid.size(), chunk_points}, shard)),
      shape_(shard.whole() ? grid.shape() : std::vector<std::uint64_t>{extent_.points.count}) {}

ResultsFile::ResultsFile(ResultsFile&& other) noexcept
    : file_(other.file_),
      comm_(other.comm_),
      grid_(other.grid_),
      chunk_points_(other.chunk_points_),
      extent_(other.extent_),
      shape_(std::move(other.shape_)),
      round_pending_(other.round_pending_),
      unsynced_chunks_(std::move(other.unsynced_chunks_)),
      syncing_chunks_(std::move(other.syncing_chunks_)),
      sync_fd_(other.sync_fd_),
      data_sync_(std::move(other.data_sync_)) {
  other.file_ = -1;
  other.sync_fd_ = -1;
}

ResultsFile::~ResultsFile() {
  release_sync();
  if (std::uncaught_exceptions() > 0 || file_ < 0) return;
  H5Fclose(file_);  // errors are reported by an explicit close()
}

void ResultsFile::release_sync() {
  if (data_sync_.valid()) data_sync_.wait();  // the helper uses sync_fd_
  if (sync_fd_ >= 0) ::close(sync_fd_);
  sync_fd_ = -1;
}

void ResultsFile::close() {
  release_sync();
  if (file_ < 0) return;
  const herr_t status = H5Fclose(file_);
  file_ = -1;
  // The last metadata goes out here: a failure (disk full) must not pass for success.
  check(status, "close the results file (its last metadata may be lost)");
}

namespace {
// True when `ok` is the same on every rank; the refusals below rely on failing everywhere.
bool all_ranks_agree(MPI_Comm comm, bool ok) {
  const int mine = ok ? 1 : 0;
  int low = 0, high = 0;
  MPI_Allreduce(&mine, &low, 1, MPI_INT, MPI_MIN, comm);
  MPI_Allreduce(&mine, &high, 1, MPI_INT, MPI_MAX, comm);
  return low == high;
}

// A bookkeeping attribute's text as a whole number; a file whose text is not one (edited,
// damaged) is refused naming the attribute, as std::stoull's bare "stoull" would not.
std::uint64_t whole_attribute(const char* name, const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [last, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || last != end) {
    throw ResultsFileRefused(
        fmt::format("attribute {} is \"{}\", not a whole number: not a modesweep results "
                    "file, or a damaged one",
                    name, text));
  }
  return value;
}

// The shard a file holds (whole grid when it has no shard attributes).
sweep::Shard file_shard(hid_t file) {
  if (H5Aexists(file, "shard_count") <= 0) return {};
  return {whole_attribute("shard_index", read_attribute_text(file, "shard_index")),
          whole_attribute("shard_count", read_attribute_text(file, "shard_count"))};
}

// Opens a file read-only with the default (serial) driver, without file locking, so that
// every rank of a merge may read the same shard and a file being written can be looked at.
Handle open_serial(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw ResultsFileRefused(fmt::format("{}: not an HDF5 file (or cannot be read)", path));
  }
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create a file access property list");
  check(H5Pset_file_locking(fapl.get(), false, true), "disable file locking");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, "");
  if (file.get() < 0) throw ResultsFileRefused(fmt::format("{}: cannot open", path));
  return file;
}

struct ChunkCounts {
  std::uint64_t total = 0, done = 0, chunk_points = 0;
};
// The chunk bookkeeping of a file (all zero when it has none).
ChunkCounts read_chunk_counts(hid_t file) {
  ChunkCounts counts;
  if (H5Lexists(file, progress_group, H5P_DEFAULT) <= 0) return counts;
  const std::vector<std::uint8_t> flags = read_chunk_done(file, H5P_DEFAULT);
  counts.total = flags.size();
  counts.done = static_cast<std::uint64_t>(std::count(flags.begin(), flags.end(), 1));
  Handle done(H5Dopen2(file, progress_dataset, H5P_DEFAULT), H5Dclose, "open chunk_done");
  counts.chunk_points =
      whole_attribute("chunk_points", read_attribute_text(done.get(), "chunk_points"));
  return counts;
}

Handle mpio_access(MPI_Comm comm) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create a file access property list");
  check(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), "select the MPI-IO driver");
  // Metadata is written by all ranks collectively. It is read by each rank on its own (HDF5's
  // default): with collective metadata reads, rank 0 reads and broadcasts on a cache miss,
  // and a rank opening a dataset or looking up a storage chunk in an independent write
  // (write_round) would wait in that broadcast for ranks that are elsewhere.
  check(H5Pset_coll_metadata_write(fapl.get(), true), "set collective metadata writes");
  return fapl;
}

// A read-only descriptor of the results file for the helper thread's fdatasync (which flushes
// every dirty page of the file, whoever wrote it); -1 when it cannot be opened: then the data
// is synced in line, by H5Fflush.
// Collective: every rank gets one or none does, since the fallback (H5Fflush) is collective.
int open_to_sync(const std::string& path, MPI_Comm comm) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const int mine = fd >= 0 ? 1 : 0;
  int all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm);
  if (all == 0 && fd >= 0) {
    ::close(fd);
    fd = -1;
  }
  return fd;
}

// The attributes that describe the run writing the file (its last run, after a resume), and
// status "running".
void write_run_attributes(hid_t root, const RunAttributes& attributes) {
  write_string_attribute(root, "modesweep_version", attributes.modesweep_version);
  write_string_attribute(root, "git_commit", attributes.git_commit);
  write_string_attribute(root, "kokkos_version", attributes.kokkos_version);
  write_string_attribute(root, "kokkos_backend", attributes.kokkos_backend);
  write_uint64_attribute(root, "mpi_size", static_cast<std::uint64_t>(attributes.mpi_size));
  write_string_attribute(root, "start_time", attributes.start_time);
  write_string_attribute(root, "end_time", "");
  write_string_attribute(root, "status", status_running);
}

}  // namespace

ResultsFile ResultsFile::create(const std::string& path, MPI_Comm comm, const grid::Grid& grid,
                                const RunAttributes& attributes, sweep::Shard shard) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Handle fapl = mpio_access(comm);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (!all_ranks_agree(comm, file >= 0)) {
    throw ResultsFileError(fmt::format("{}: created on some ranks only", path));
  }
  if (file < 0) throw ResultsFileRefused(fmt::format("{}: cannot create the results file", path));
  ResultsFile out(file, comm, grid, grid.spec().chunk_points, shard);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const Handle dxpl = collective_transfer();
  const std::vector<std::uint64_t> shape = out.shape_;
  const std::vector<std::string> dims =
      shard.whole() ? grid.dimension_names() : std::vector<std::string>{"point"};
  const spec::SweepSpec& sp = grid.spec();

  // Coordinates: dimension scales, written by rank 0 inside the collective call.
  std::vector<Handle> scales;
  if (grid.is_factorial() && shard.whole()) {
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const int axis = grid::factorial_storage_order[d];
      Handle ds = create_dataset(file, dims[d].c_str(), H5T_IEEE_F64LE, {shape[d]});
      const std::vector<double>& values = grid.axis_values(axis);
      write_boxes(file, dims[d].c_str(), H5T_NATIVE_DOUBLE, values.data(),
                  line_boxes(0, rank == 0 ? shape[d] : 0), 1, dxpl.get());
      check(H5DSset_scale(ds.get(), dims[d].c_str()), "make a dimension scale");
      scales.push_back(std::move(ds));
    }
  } else {
    // The point index is written chunk by chunk with the results.
    Handle ds = create_dataset(file, "point", H5T_STD_U64LE, shape);
    check(H5DSset_scale(ds.get(), "point"), "make a dimension scale");
    for (const char* name : spec::axis_names) {
      if (grid.is_factorial()) break;  // a factorial shard: its points follow from the index
      Handle column = create_dataset(file, name, H5T_IEEE_F64LE, shape);
      check(H5DSattach_scale(column.get(), ds.get(), 0), "attach a dimension scale");
      check(H5DSset_label(column.get(), 0, "point"), "label a dimension");
    }
    scales.push_back(std::move(ds));
  }
  for (const ResultColumn& column : result_columns) {
    if (!column_in(column, sp.mode)) continue;
    const char* name = column.name;
    const bool is_flag = column.values == nullptr;
    const std::vector<bool> kept = kept_dimensions(column, grid, out.shape_);
    Handle ds = create_dataset(file, name, is_flag ? H5T_STD_I8LE : H5T_IEEE_F64LE,
                               kept_shape(shape, kept));
    unsigned dim = 0;  // of the dataset
    for (std::size_t d = 0; d < scales.size(); ++d) {
      if (!kept[d]) continue;
      check(H5DSattach_scale(ds.get(), scales[d].get(), dim), "attach a dimension scale");
      check(H5DSset_label(ds.get(), dim, dims[d].c_str()), "label a dimension");
      ++dim;
    }
    if (is_flag) {
      // CF-style flags: the largest single-resource loss (MODEL.md 5, "Joint").
      const std::int8_t values[] = {0, 1, 2, 3};
      Handle s = space({4});
      Handle attr(
          H5Acreate2(ds.get(), "flag_values", H5T_STD_I8LE, s.get(), H5P_DEFAULT, H5P_DEFAULT),
          H5Aclose, "create attribute flag_values");
      check(H5Awrite(attr.get(), H5T_NATIVE_INT8, values), "write attribute flag_values");
      write_string_attribute(ds.get(), "flag_meanings", "capacity data time none");
    }
    write_string_attribute(ds.get(), "long_name", column.long_name);
  }

  const std::uint64_t n_chunks = out.extent_.chunks;
  Handle group(H5Gcreate2(file, progress_group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "create group sweep_progress");
  {
    Handle done = create_dataset(file, progress_dataset, H5T_STD_U8LE, {n_chunks});
    write_uint64_attribute(done.get(), "chunk_points", out.chunk_points_);
    // The bytes are allocated but never filled: write zeros explicitly, in slices.
    const std::uint64_t slice = 1 << 20;
    const std::vector<std::uint8_t> zeros(static_cast<std::size_t>(std::min(slice, n_chunks)), 0);
    for (std::uint64_t b = 0; b < n_chunks; b += slice) {
      const std::uint64_t n = std::min(slice, n_chunks - b);
      write_boxes(file, progress_dataset, H5T_NATIVE_UINT8, zeros.data(),
                  line_boxes(b, rank == 0 ? n : 0), 1, dxpl.get());
    }
  }

  const hid_t root = file;
  write_uint64_attribute(root, "format_version", results_format_version);
  write_string_attribute(root, "spec", sp.text);
  write_string_attribute(root, "spec_path", sp.source_name);
  write_string_attribute(root, "name", sp.name);
  write_string_attribute(root, "mode", spec::mode_name(sp.mode));
  if (spec::has_mc(sp)) {
    write_uint64_attribute(root, "mc_replicas", sp.replicas);
    write_uint64_attribute(root, "mc_seed", sp.mc_seed);
    write_string_attribute(root, "mc_sampling", spec::sampling_name(sp.sampling));
    write_string_attribute(root, "mc_rng",
                           "Philox4x64-10 keyed (seed, grid point index), "
                           "counter (replica, block)");
  }
  write_string_attribute(root, "design", spec::design_name(sp.design));
  write_double_attribute(root, "learning_rate", sp.learning_rate);
  write_double_attribute(root, "capacity_scale", sp.capacity_scale);
  write_double_attribute(root, "irreducible", sp.irreducible);
  write_double_attribute(root, "flops_per_param_token", sp.flops_per_param_token);
  if (!grid.is_factorial()) {
    write_uint64_attribute(root, "design_count", sp.count);
    write_uint64_attribute(root, "design_seed", sp.seed);
  }
  write_uint64_attribute(root, "n_points", grid.size());
  if (!shard.whole()) {
    write_uint64_attribute(root, "shard_index", shard.index);
    write_uint64_attribute(root, "shard_count", shard.count);
    write_uint64_attribute(root, "shard_first_point", out.extent_.points.begin);
    write_uint64_attribute(root, "shard_first_chunk", out.extent_.first_chunk);
  }
  if (attributes.merged_shards > 0) {
    write_uint64_attribute(root, "merged_shards", attributes.merged_shards);
  }
  write_run_attributes(root, attributes);
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush the results file");
  out.sync_fd_ = open_to_sync(path, comm);
  return out;
}

namespace {

// The checks of a file before a resume (open_for_resume, resumable_chunks_done): a modesweep
// results file, of the same spec text, of this build's format and layout, of the same shard.
// Returns its chunk size; throws ResultsFileRefused.
std::uint64_t check_resumable(hid_t file, const std::string& path, const grid::Grid& grid,
                              sweep::Shard shard) {
  try {
    if (H5Aexists(file, "spec") <= 0 || H5Lexists(file, progress_group, H5P_DEFAULT) <= 0) {
      throw ResultsFileRefused(fmt::format(
          "{}: not a modesweep results file (no spec or sweep_progress); use --force to overwrite",
          path));
    }
    if (read_attribute_text(file, "spec") != grid.spec().text) {
      throw ResultsFileRefused(fmt::format(
          "{}: was made from a different spec text; resume needs the same spec (or use --force "
          "to start over)",
          path));
    }
    // The layout must be the one this build makes from that spec.
    const auto refuse = [&](const std::string& what) {
      throw ResultsFileRefused(fmt::format("{}: {}; use --force to start over", path, what));
    };
    if (H5Aexists(file, "format_version") <= 0 ||
        read_attribute_text(file, "format_version") != std::to_string(results_format_version)) {
      refuse(fmt::format("results format differs from this build's (version {})",
                         results_format_version));
    }
    if (read_attribute_text(file, "n_points") != std::to_string(grid.size())) {
      refuse("holds another number of points than the spec describes");
    }
    const sweep::Shard held = file_shard(file);
    if (held.index != shard.index || held.count != shard.count) {
      const auto name = [](sweep::Shard s) {
        return s.whole() ? std::string("the whole grid")
                         : fmt::format("shard {}/{}", s.index, s.count);
      };
      refuse(fmt::format("holds {}, not {}", name(held), name(shard)));
    }
    Handle done(H5Dopen2(file, progress_dataset, H5P_DEFAULT), H5Dclose, "open chunk_done");
    const std::uint64_t chunk_points = std::stoull(read_attribute_text(done.get(), "chunk_points"));
    if (chunk_points == 0) refuse("chunk_points is 0");
    const std::vector<std::uint64_t> shape = dataset_shape(done.get());
    const sweep::ChunkLayout layout{grid.size(), chunk_points};
    if (!shard.whole() && shard.count > layout.chunk_count()) refuse("its chunk size differs");
    const sweep::ShardExtent extent = sweep::shard_extent(layout, shard);
    if (shape.size() != 1 || shape[0] != extent.chunks) {
      refuse("its chunk bookkeeping does not match its chunk size");
    }
    // the result datasets, of the shapes this build gives them (ResultsFile::shape_)
    const std::vector<std::uint64_t> expected =
        shard.whole() ? grid.shape() : std::vector<std::uint64_t>{extent.points.count};
    for (const ResultColumn& column : result_columns) {
      if (!column_in(column, grid.spec().mode)) continue;
      const char* name = column.name;
      if (H5Lexists(file, name, H5P_DEFAULT) <= 0)
        refuse(fmt::format("dataset {} is missing", name));
      Handle ds(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, fmt::format("open {}", name));
      if (dataset_shape(ds.get()) != kept_shape(expected, kept_dimensions(column, grid, expected)))
        refuse(fmt::format("dataset {} has another shape", name));
    }
    return chunk_points;
  } catch (const std::logic_error&) {  // std::stoull of an attribute that is not a number
    throw ResultsFileRefused(fmt::format(
        "{}: its bookkeeping attributes are not numbers; use --force to start over", path));
  }
}

}  // namespace

ResultsFile ResultsFile::open_for_resume(const std::string& path, MPI_Comm comm,
                                         const grid::Grid& grid, sweep::Shard shard) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Handle fapl = mpio_access(comm);
  // Checked through a plain handle: these failures are the same on every rank, so its
  // collective close on the way out is safe.
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get()), H5Fclose, "");
  if (!all_ranks_agree(comm, file.get() >= 0)) {
    file.release();  // no collective close with ranks that have no file
    throw ResultsFileError(fmt::format("{}: opened on some ranks only", path));
  }
  if (file.get() < 0) {
    throw ResultsFileRefused(fmt::format(
        "{}: cannot open as an HDF5 file to resume; remove it or run with --force", path));
  }
  const std::uint64_t chunk_points = check_resumable(file.get(), path, grid, shard);
  ResultsFile out(file.get(), comm, grid, chunk_points, shard);
  out.file_ = file.release();
  out.sync_fd_ = open_to_sync(path, comm);
  return out;
}

std::vector<std::uint8_t> ResultsFile::chunk_done() const {
  const Handle dxpl = collective_transfer();
  return read_chunk_done(file_, dxpl.get());
}

void ResultsFile::write_round(const sweep::ChunkResults* results, sweep::IndexRange range,
                              std::int64_t chunk) {
  if (independent_rounds()) {
    flag_synced_chunks(false);
  } else {
    commit_round();
  }
  const Handle dxpl = round_transfer(independent_rounds());
  const std::uint64_t count = results != nullptr ? range.count : 0;
  const std::uint64_t begin = results != nullptr ? range.begin : 0;
  if (count > 0 && (begin < extent_.points.begin ||
                    begin + count > extent_.points.begin + extent_.points.count)) {
    throw std::logic_error("write_round: points outside the file's extent");
  }
  const std::vector<sweep::Box> boxes =
      sweep::flat_range_boxes(shape_, count > 0 ? begin - extent_.points.begin : 0, count);
  const sweep::ChunkResults empty;
  const sweep::ChunkResults& r = results != nullptr ? *results : empty;
  // A column over fewer dimensions gets the values this range holds first (partition.hpp):
  // each value is written once, by the chunk of its first point, so that a resumed file is
  // whole exactly when every chunk is done.
  struct Projected {
    bool reduced = false;  // the column's dataset spans fewer dimensions than the file
    std::vector<sweep::Box> boxes;
    std::vector<double> values;
  };
  std::vector<Projected> projected(std::size(result_columns));
  // Every rank must make as many collective writes per dataset as the rank with the most
  // boxes: [0] for the full-rank datasets, [1 + c] for projected column c.
  std::vector<int> own_calls(1 + std::size(result_columns), 0), calls(own_calls.size(), 0);
  own_calls[0] = static_cast<int>(boxes.size());
  for (std::size_t c = 0; c < std::size(result_columns); ++c) {
    const ResultColumn& column = result_columns[c];
    const std::vector<bool> kept = kept_dimensions(column, *grid_, shape_);
    if (!column_in(column, grid_->spec().mode) || !reduced(kept)) continue;
    projected[c].reduced = true;
    const auto& all = r.*column.values;
    std::uint64_t offset = 0;  // of the box in the chunk's values
    for (const sweep::Box& box : boxes) {
      const sweep::Box first = sweep::first_held_box(box, kept);
      if (sweep::box_size(first) > 0) {
        for (std::uint64_t at : sweep::projection_offsets(box, kept, false))
          projected[c].values.push_back(all[offset + at]);
        projected[c].boxes.push_back(first);
      }
      offset += sweep::box_size(box);
    }
    own_calls[1 + c] = static_cast<int>(projected[c].boxes.size());
  }
  if (independent_rounds()) {
    calls = own_calls;
  } else {
    MPI_Allreduce(own_calls.data(), calls.data(), static_cast<int>(calls.size()), MPI_INT, MPI_MAX,
                  comm_);
  }
  auto write = [&](const char* name, hid_t type, const void* data) {
    write_boxes(file_, name, type, data, boxes, calls[0], dxpl.get());
  };
  if (!grid_->is_factorial() || shape_.size() != grid_->shape().size()) {  // has `point`
    std::vector<std::uint64_t> index(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < index.size(); ++i) index[i] = begin + i;
    write("point", H5T_NATIVE_UINT64, index.data());
  }
  if (!grid_->is_factorial()) {
    std::vector<double> column(r.points.size());
    for (int a = 0; a < spec::axis_count; ++a) {
      for (std::size_t i = 0; i < r.points.size(); ++i)
        column[i] = r.points[i].*grid::axis_fields[a];
      write(spec::axis_names[a], H5T_NATIVE_DOUBLE, column.data());
    }
  }
  for (std::size_t c = 0; c < std::size(result_columns); ++c) {
    const ResultColumn& column = result_columns[c];
    if (!column_in(column, grid_->spec().mode)) continue;
    if (column.values == nullptr) {
      write(column.name, H5T_NATIVE_INT8, r.bottleneck.data());
    } else if (projected[c].reduced) {
      write_boxes(file_, column.name, H5T_NATIVE_DOUBLE, projected[c].values.data(),
                  projected[c].boxes, calls[1 + c], dxpl.get());
    } else {
      write(column.name, H5T_NATIVE_DOUBLE, (r.*column.values).data());
    }
  }
  round_pending_ = true;
  if (chunk >= 0) unsynced_chunks_.push_back(chunk);
  if (independent_rounds() && !data_sync_.valid() && !unsynced_chunks_.empty()) start_sync();
}

void ResultsFile::start_sync() {
  syncing_chunks_.swap(unsynced_chunks_);  // syncing_chunks_ was empty: no sync in flight
  const int fd = sync_fd_;
  data_sync_ = std::async(std::launch::async, [fd] {
    // A stop signal may be delivered to this thread (its handler only sets a flag): retry.
    while (::fdatasync(fd) != 0) {
      if (errno != EINTR) return errno;
    }
    return 0;
  });
}

void ResultsFile::flag_synced_chunks(bool wait) {
  if (!data_sync_.valid()) return;
  if (!wait && data_sync_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  const int error = data_sync_.get();
  if (error != 0) {
    throw ResultsFileError(
        fmt::format("cannot sync the results file to the disk: {}", std::strerror(error)));
  }
  // This rank wrote these chunks' data itself (independent transfers: no other rank's
  // aggregator holds any of it), and its sync has put it on the disk.
  mark_done(syncing_chunks_, static_cast<int>(syncing_chunks_.size()));
  syncing_chunks_.clear();
}

void ResultsFile::mark_done(const std::vector<std::int64_t>& chunks, int calls) {
  std::vector<sweep::Box> boxes;
  for (std::int64_t c : chunks) {
    boxes.push_back(line_boxes(static_cast<std::uint64_t>(c) - extent_.first_chunk, 1).front());
  }
  const std::vector<std::uint8_t> ones(chunks.size(), 1);
  const Handle dxpl = round_transfer(independent_rounds());
  write_boxes(file_, progress_dataset, H5T_NATIVE_UINT8, ones.data(), boxes, calls, dxpl.get());
}

void ResultsFile::commit_round() {
  if (!round_pending_) return;
  if (independent_rounds()) {
    flag_synced_chunks(true);
    if (!unsynced_chunks_.empty()) {
      start_sync();
      flag_synced_chunks(true);
    }
  } else {
    // Collective: the data of every rank's round is on the disk before any flag is written.
    check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush the results file");
    mark_done(unsynced_chunks_, 1);
    unsynced_chunks_.clear();
  }
  round_pending_ = false;
}

void ResultsFile::use_collective_rounds() {
  if (round_pending_) throw std::logic_error("use_collective_rounds: rounds already written");
  release_sync();
}

void ResultsFile::finish_rounds() {
  commit_round();
  // MPI-IO consistency for the flags other ranks wrote independently: sync, barrier, sync.
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush the results file");
  MPI_Barrier(comm_);
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush the results file");
}

void ResultsFile::record_run(const RunAttributes& attributes) {
  write_run_attributes(file_, attributes);
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush the results file");
}

std::string ResultsFile::status() const { return read_attribute_text(file_, "status"); }

void ResultsFile::set_status(const std::string& status, const std::string& end_time) {
  finish_rounds();
  write_string_attribute(file_, "status", status);
  write_string_attribute(file_, "end_time", end_time);
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush the results file");
}

void read_results(const std::string& path, const grid::Grid& grid, std::uint64_t begin,
                  std::uint64_t count, sweep::ChunkResults& out) {
  // Called by one rank for its own chunk: a failure here is this rank's alone, never a
  // refusal shared by all ranks (that would leave the others waiting in a collective write).
  Handle file;
  try {
    file = open_serial(path);
  } catch (const ResultsFileRefused& e) {
    throw ResultsFileError(e.what());
  }
  const bool is_shard = H5Aexists(file.get(), "shard_first_point") > 0;
  const std::uint64_t first =
      is_shard ? whole_attribute("shard_first_point",
                                 read_attribute_text(file.get(), "shard_first_point"))
               : 0;
  out.resize(count, grid.spec().mode);
  out.points.resize(count);
  grid.fill_points(begin, count, out.points.data());
  // The file's full-rank shape: the grid's, or one `point` dimension (its size read below)
  // for a shard or a design.
  const bool one_dimensional = is_shard || !grid.is_factorial();
  const std::vector<std::uint64_t> full_shape =
      one_dimensional ? std::vector<std::uint64_t>{0} : grid.shape();
  const auto read = [&](const ResultColumn& column, hid_t mem_type, void* data) {
    const char* name = column.name;
    Handle ds(H5Dopen2(file.get(), name, H5P_DEFAULT), H5Dclose,
              fmt::format("open {} in {}", name, path));
    const std::vector<bool> kept = kept_dimensions(column, grid, full_shape);
    std::vector<std::uint64_t> shape = full_shape;
    if (one_dimensional) {
      shape = dataset_shape(ds.get());
      if (shape.size() != 1) {
        throw ResultsFileError(fmt::format("{}: {} is not one-dimensional", path, name));
      }
    } else if (dataset_shape(ds.get()) != kept_shape(shape, kept)) {
      throw ResultsFileError(fmt::format("{}: {} has another shape than the grid's", path, name));
    }
    std::uint64_t size = 1;
    for (std::uint64_t n : shape) size *= n;
    if (begin < first || begin + count > first + size) {
      throw ResultsFileError(
          fmt::format("{}: does not hold points [{}, {})", path, begin, begin + count));
    }
    const std::size_t element = H5Tget_size(mem_type);
    std::size_t offset = 0;
    std::vector<char> projected;  // one box's values of a column over fewer dimensions
    for (const sweep::Box& full_box : sweep::flat_range_boxes(shape, begin - first, count)) {
      const sweep::Box box = sweep::projected_box(full_box, kept);
      Handle file_space(H5Dget_space(ds.get()), H5Sclose, "get a dataspace");
      const std::vector<hsize_t> start(box.start.begin(), box.start.end());
      const std::vector<hsize_t> n(box.count.begin(), box.count.end());
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, n.data(),
                                nullptr),
            "select a hyperslab");
      const Handle mem_space = space(n);
      char* target = static_cast<char*>(data) + offset * element;
      if (reduced(kept)) projected.resize(sweep::box_size(box) * element);
      check(H5Dread(ds.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT,
                    reduced(kept) ? projected.data() : target),
            fmt::format("read {} of {}", name, path));
      if (reduced(kept)) {  // each point of the box gets the value it holds
        const std::vector<std::uint64_t> from = sweep::projection_offsets(full_box, kept, true);
        for (std::size_t e = 0; e < from.size(); ++e)
          std::memcpy(target + e * element, projected.data() + from[e] * element, element);
      }
      offset += sweep::box_size(full_box);
    }
  };
  for (const ResultColumn& column : result_columns) {
    if (!column_in(column, grid.spec().mode)) continue;
    if (column.values == nullptr)
      read(column, H5T_NATIVE_INT8, out.bottleneck.data());
    else
      read(column, H5T_NATIVE_DOUBLE, (out.*column.values).data());
  }
}

void write_table_group(const std::string& path, const std::string& group,
                       const std::vector<std::pair<std::string, std::vector<double>>>& columns,
                       const std::map<std::string, std::string>& attributes) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose,
              fmt::format("open {} for writing (is it in use?)", path));
  // Replace: unlink the old group (its space is reused by HDF5 or reclaimed by h5repack).
  if (H5Lexists(file.get(), group.c_str(), H5P_DEFAULT) > 0) {
    check(H5Ldelete(file.get(), group.c_str(), H5P_DEFAULT), "replace group " + group);
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create a link property list");
  check(H5Pset_create_intermediate_group(lcpl.get(), 1), "allow intermediate groups");
  Handle g(H5Gcreate2(file.get(), group.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
           "create group " + group);
  for (const auto& [name, values] : columns) {
    const Handle s = space({static_cast<hsize_t>(values.size())});
    Handle ds(H5Dcreate2(g.get(), name.c_str(), H5T_IEEE_F64LE, s.get(), H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Dclose, "create dataset " + name);
    if (!values.empty()) {
      check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "write dataset " + name);
    }
  }
  for (const auto& [name, value] : attributes) write_string_attribute(g.get(), name.c_str(), value);
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush the results file");
}

// Everything merge checks is in the summary show prints.
ShardFileInfo read_shard_info(const std::string& path) {
  ResultsSummary s;
  try {
    s = read_summary(path);
  } catch (const ResultsFileError& e) {
    throw ResultsFileRefused(e.what());
  }
  for (const char* name :
       {"spec", "status", "format_version", "shard_count", "shard_index", "shard_first_point"}) {
    if (s.attributes.count(name) == 0) {
      throw ResultsFileRefused(
          fmt::format("{}: not a modesweep shard file (no attribute {})", path, name));
    }
  }
  ShardFileInfo info;
  info.spec_text = s.attribute("spec");
  info.status = s.attribute("status");
  info.format_version = s.attribute("format_version");
  info.build.modesweep_version = s.attribute("modesweep_version");
  info.build.git_commit = s.attribute("git_commit");
  info.build.kokkos_version = s.attribute("kokkos_version");
  info.build.kokkos_backend = s.attribute("kokkos_backend");
  try {
    info.shard = {whole_attribute("shard_index", s.attribute("shard_index")),
                  whole_attribute("shard_count", s.attribute("shard_count"))};
    info.first_point = whole_attribute("shard_first_point", s.attribute("shard_first_point"));
  } catch (const ResultsFileRefused& e) {
    throw ResultsFileRefused(fmt::format("{}: {}", path, e.what()));
  }
  info.points = s.shape.size() == 1 ? s.shape[0] : 0;
  info.chunks_total = s.chunks_total;
  info.chunks_done = s.chunks_done;
  info.chunk_points = s.chunk_points;
  return info;
}

std::string ResultsSummary::attribute(const std::string& name) const {
  const auto it = attributes.find(name);
  return it == attributes.end() ? std::string() : it->second;
}

namespace {

herr_t collect_attribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
  auto& out = *static_cast<std::map<std::string, std::string>*>(data);
  try {
    out[name] = read_attribute_text(object, name);
  } catch (const ResultsFileError&) {
    out[name] = "(unreadable)";
  }
  return 0;
}

// The names of the dimension scales attached to a dataset's dimensions, in order ("" where
// none is): a scale's name is its dataset's.
std::vector<std::string> attached_scale_names(hid_t ds) {
  std::vector<std::string> names;
  const int rank =
      H5Sget_simple_extent_ndims(Handle(H5Dget_space(ds), H5Sclose, "get a dataspace").get());
  for (int d = 0; d < rank; ++d) {
    std::string label;
    auto visitor = [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
      char name[256] = {};
      H5Iget_name(scale, name, sizeof name);
      *static_cast<std::string*>(out) = name[0] == '/' ? name + 1 : name;
      return 1;
    };
    H5DSiterate_scales(ds, static_cast<unsigned>(d), nullptr, visitor, &label);
    names.push_back(label);
  }
  return names;
}

}  // namespace

double results_data_bytes(const grid::Grid& grid, std::uint64_t points, bool whole_factorial) {
  whole_factorial = whole_factorial && grid.is_factorial();
  const std::vector<std::uint64_t> shape = grid.shape();
  // The elements a dataset allocates: whole storage chunks (create_dataset allocates every
  // chunk at creation), so the edges of each dimension are rounded up to its chunk.
  const auto allocated = [](const std::vector<std::uint64_t>& dims) {
    const std::vector<hsize_t> chunk = storage_chunk(dims);
    double elements = 1.0;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      elements *= static_cast<double>((dims[d] + chunk[d] - 1) / chunk[d] * chunk[d]);
    }
    return elements;
  };
  const double per_point = allocated({points});
  // otherwise a `point` index, and for a design one column per axis
  const int columns = whole_factorial ? 0 : grid.is_factorial() ? 1 : spec::axis_count + 1;
  double bytes = 8.0 * columns * per_point;
  if (whole_factorial) {  // the coordinates
    for (std::uint64_t n : shape) bytes += 8.0 * allocated({n});
  }
  for (const ResultColumn& column : result_columns) {
    if (!column_in(column, grid.spec().mode)) continue;
    double values = per_point;
    if (whole_factorial) {
      const std::vector<bool> kept = kept_dimensions(column, whole_factorial, shape.size());
      values = allocated(reduced(kept) ? kept_shape(shape, kept) : shape);
    }
    bytes += values * (column.values == nullptr ? 1.0 : 8.0);
  }
  return bytes;
}

ResultsSummary read_summary(const std::string& path) {
  // Without file locking, so that a file still being written can be looked at.
  const Handle file = open_serial(path);
  ResultsSummary summary;
  hsize_t idx = 0;
  H5Aiterate2(file.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attribute, &summary.attributes);
  if (summary.attributes.count("spec") == 0) {
    throw ResultsFileError(
        fmt::format("{}: not a modesweep results file (no spec attribute)", path));
  }
  for (const ResultColumn& column : result_columns) {
    if (H5Lexists(file.get(), column.name, H5P_DEFAULT) <= 0) continue;
    summary.datasets.emplace_back(column.name);
    Handle ds(H5Dopen2(file.get(), column.name, H5P_DEFAULT), H5Dclose, "open a result dataset");
    summary.dataset_dimensions[column.name] = attached_scale_names(ds.get());
  }
  if (!summary.datasets.empty()) {
    // The first result dataset (dL or mc_mean) spans every dimension of the file.
    const char* first = summary.datasets.front().c_str();
    Handle ds(H5Dopen2(file.get(), first, H5P_DEFAULT), H5Dclose, "open a result dataset");
    summary.shape = dataset_shape(ds.get());
    summary.dimension_names = summary.dataset_dimensions[first];
    for (std::size_t d = 0; d < summary.shape.size(); ++d) {
      const std::string& label = summary.dimension_names[d];
      if (summary.attributes["design"] == "factorial" && !label.empty() && label != "point") {
        std::vector<double> values(static_cast<std::size_t>(summary.shape[d]));
        Handle coord(H5Dopen2(file.get(), label.c_str(), H5P_DEFAULT), H5Dclose,
                     "open a coordinate");
        check(H5Dread(coord.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              "read a coordinate");
        summary.coordinates[label] = values;
      }
    }
  }
  const ChunkCounts counts = read_chunk_counts(file.get());
  summary.chunks_total = counts.total;
  summary.chunks_done = counts.done;
  summary.chunk_points = counts.chunk_points;
  return summary;
}

std::uint64_t resumable_chunks_done(const std::string& path, const grid::Grid& grid,
                                    sweep::Shard shard) {
  const Handle file = open_serial(path);
  check_resumable(file.get(), path, grid, shard);
  return read_chunk_counts(file.get()).done;
}

}  // namespace modesweep::io
