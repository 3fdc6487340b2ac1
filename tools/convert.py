#!/usr/bin/env python3
"""Convert a CLIP ViT checkpoint into a promptmargin model file (.pmc, version 1).

Standard library only (python3 >= 3.8): no torch, numpy or safetensors needed.

Inputs (detected from the file's contents; --format overrides):

  openai-jit   OpenAI's released TorchScript archives (ViT-B-32.pt, ViT-L-14.pt, ...):
               a zip holding <name>/data.pkl, <name>/code/..., <name>/constants.pkl and
               <name>/data/<key> storages.  data.pkl pickles a tree of `__torch__.*`
               module objects; the state_dict names (visual.conv1.weight, ...) are
               rebuilt by walking that tree.
  state-dict   A torch.save()d dict of tensors in the OpenAI layout (zip format with
               <dir>/data.pkl + <dir>/data/<key>, or the legacy non-zip format), e.g.
               open_clip checkpoints; a {"state_dict": {...}} wrapper and a "module."
               key prefix are unwrapped.
  safetensors  An OpenAI-layout .safetensors file (8-byte header length, JSON header,
               raw little-endian data).
  hf           A Hugging Face CLIPModel directory (or a file in it): config.json plus
               model.safetensors or pytorch_model.bin (sharded *.index.json too); names
               are mapped to the OpenAI layout, q/k/v projections are concatenated into
               in_proj and the two projection matrices are transposed.  Without --bpe
               the merges come from merges.txt, checked against vocab.json.

Pickles are read by a restricted unpickler that only knows the tensor-rebuild
functions, storage and dtype names, OrderedDict and, inside TorchScript archives,
`__torch__.*` objects (as plain attribute holders); any other global is refused, so a
checkpoint can never run code.  Tensors are read lazily, strides and storage offsets
are honoured, and conversion between f32, f16 and bf16 works on large chunks.

Hyper-parameters are inferred from tensor shapes the way OpenAI's build_model does;
heads default to width // 64 (or the value recorded in a TorchScript archive or an HF
config).  The output is written to OUT.tmp, synced and renamed over OUT, so a failed
conversion never leaves a partial file.
"""

import argparse
import collections
import gzip
import io
import itertools
import json
import math
import os
import pickle
import re
import struct
import sys
import time
import zipfile
import zlib

PROG = "convert.py"
CHUNK_ELEMS = 1 << 20          # elements converted per step
ALIGN = 64                     # alignment of tensor data in the .pmc file
HEADER_SIZE = 256
DIR_ENTRY_SIZE = 128
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
ACTS = {"quick_gelu": 0, "gelu": 1}
PMC_DTYPES = {"f32": 0, "f16": 1, "bf16": 2}


class ConvertError(Exception):
    """A problem with the input or the options, reported as one line."""


# --------------------------------------------------------------------------------------
# dtypes and conversion between f32, f16 and bf16

ELEM_SIZE = {"f64": 8, "f32": 4, "f16": 2, "bf16": 2, "i64": 8, "i32": 4, "i16": 2,
             "i8": 1, "u8": 1, "bool": 1}
FLOAT_DTYPES = ("f32", "f16", "bf16", "f64")
STRUCT_CODE = {"f64": "d", "f32": "f", "f16": "e"}

STORAGE_DTYPES = {
    "FloatStorage": "f32", "HalfStorage": "f16", "BFloat16Storage": "bf16",
    "DoubleStorage": "f64", "LongStorage": "i64", "IntStorage": "i32",
    "ShortStorage": "i16", "CharStorage": "i8", "ByteStorage": "u8",
    "BoolStorage": "bool", "UntypedStorage": "u8",
}
TORCH_DTYPES = {
    "float32": "f32", "float": "f32", "float16": "f16", "half": "f16",
    "bfloat16": "bf16", "float64": "f64", "double": "f64", "int64": "i64",
    "long": "i64", "int32": "i32", "int": "i32", "int16": "i16", "short": "i16",
    "int8": "i8", "uint8": "u8", "bool": "bool",
}
SAFETENSORS_DTYPES = {
    "F32": "f32", "F16": "f16", "BF16": "bf16", "F64": "f64", "I64": "i64",
    "I32": "i32", "I16": "i16", "I8": "i8", "U8": "u8", "BOOL": "bool",
}


def _lanes(pattern, count):
    """A big integer holding `count` copies of the 4-byte little-endian `pattern`."""
    return int.from_bytes(pattern * count, "little")


def f32_to_bf16(data):
    """f32 bytes -> bf16 bytes, round to nearest even, NaN -> quiet NaN.

    The whole chunk is one big integer with a 32-bit lane per value, so the rounding
    runs as a handful of arbitrary-precision operations instead of a Python loop.
    """
    n = len(data) // 4
    x = int.from_bytes(data, "little")
    magnitude = x & _lanes(b"\xff\xff\xff\x7f", n)
    # bit 31 of a lane is set iff its magnitude exceeds 0x7f800000 (a NaN)
    nan_flags = (magnitude + _lanes(b"\xff\xff\x7f\x00", n)) & _lanes(b"\x00\x00\x00\x80", n)
    if nan_flags:
        nan_lanes = (nan_flags >> 31) * 0xFFFFFFFF
        x = (x & ~nan_lanes) | (nan_lanes & _lanes(b"\x00\x00\xc0\x7f", n))
    lsb = (x >> 16) & _lanes(b"\x01\x00\x00\x00", n)
    rounded = (x + _lanes(b"\xff\x7f\x00\x00", n) + lsb).to_bytes(4 * n, "little")
    out = bytearray(2 * n)
    out[0::2] = rounded[2::4]
    out[1::2] = rounded[3::4]
    return bytes(out)


def bf16_to_f32(data):
    """bf16 bytes -> f32 bytes (exact: the bf16 bits become the high half)."""
    out = bytearray(2 * len(data))
    out[2::4] = data[0::2]
    out[3::4] = data[1::2]
    return bytes(out)


def _pack_floats(code, values):
    """Pack Python floats as `code` ('e', 'f'), turning out-of-range values into inf."""
    try:
        return struct.pack("<%d%s" % (len(values), code), *values)
    except OverflowError:
        parts = []
        for v in values:
            try:
                parts.append(struct.pack("<" + code, v))
            except OverflowError:
                parts.append(struct.pack("<" + code, math.copysign(math.inf, v)))
        return b"".join(parts)


def convert_floats(data, src, dst):
    """Convert a chunk of little-endian floats from dtype `src` to dtype `dst`."""
    if src == dst:
        return data
    if src == "bf16":
        return convert_floats(bf16_to_f32(data), "f32", dst)
    if dst == "bf16":
        return f32_to_bf16(convert_floats(data, src, "f32"))
    count = len(data) // ELEM_SIZE[src]
    values = struct.unpack("<%d%s" % (count, STRUCT_CODE[src]), data)
    return _pack_floats(STRUCT_CODE[dst], values)


def byteswap(data, elem_size):
    """Reverse the byte order of every `elem_size`-byte element."""
    if elem_size == 1:
        return data
    out = bytearray(len(data))
    for k in range(elem_size):
        out[k::elem_size] = data[elem_size - 1 - k::elem_size]
    return bytes(out)


# --------------------------------------------------------------------------------------
# tensors: lazily read views of storages

class Sealed:
    """Base of the objects the unpickler hands out: a pickle may not BUILD onto them."""

    def __setstate__(self, _state):
        raise ConvertError("malformed checkpoint: pickle tries to modify a tensor")


class Storage(Sealed):
    """`nbytes` raw bytes somewhere in the input, fetched by `fetch()` when needed."""

    def __init__(self, where, dtype, nbytes, fetch, swap=False):
        self.where = where
        self.dtype = dtype
        self.nbytes = nbytes
        self.fetch = fetch
        self._swap = swap

    def read(self):
        data = self.fetch()
        if len(data) < self.nbytes:
            raise ConvertError("%s: storage has %d bytes, expected %d (truncated file?)"
                               % (self.where, len(data), self.nbytes))
        data = data[:self.nbytes]
        return byteswap(data, ELEM_SIZE[self.dtype]) if self._swap else data


def _check_dims(values, what):
    if not isinstance(values, (tuple, list)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise ConvertError("bad tensor %s %r in the checkpoint" % (what, values))
    return tuple(values)


class Tensor(Sealed):
    """A view (dtype, shape, strides, offset; strides/offset in elements) of a Storage."""

    def __init__(self, storage, dtype, shape, strides, offset):
        self.storage = storage
        self.dtype = dtype
        self.shape = _check_dims(shape, "shape")
        self.strides = _check_dims(strides, "strides")
        if len(self.strides) != len(self.shape) or not isinstance(offset, int) or offset < 0:
            raise ConvertError("bad tensor layout in the checkpoint")
        self.offset = offset
        if self.numel():
            last = offset + sum((s - 1) * st for s, st in zip(self.shape, self.strides))
            if (last + 1) * ELEM_SIZE[dtype] > storage.nbytes:
                raise ConvertError("%s: tensor view runs past the end of its storage"
                                   % storage.where)

    def numel(self):
        return _prod(self.shape)

    def transposed(self):
        """The 2-D transpose, as a strided view (no data is read)."""
        return Tensor(self.storage, self.dtype, self.shape[::-1], self.strides[::-1],
                      self.offset)

    def read(self):
        """The elements in row-major order, as little-endian bytes of self.dtype."""
        return gather(self.storage.read(), ELEM_SIZE[self.dtype], self.shape,
                      self.strides, self.offset)

    def chunks(self, dtype):
        """The elements converted to `dtype`, in pieces of bounded size."""
        data = self.read()
        step = CHUNK_ELEMS * ELEM_SIZE[self.dtype]
        for start in range(0, len(data), step):
            yield convert_floats(data[start:start + step], self.dtype, dtype)


class Concat:
    """Tensors joined along dimension 0 (HF q/k/v -> OpenAI in_proj)."""

    def __init__(self, parts):
        self.parts = parts
        if len({p.shape[1:] for p in parts}) != 1:
            raise ConvertError("q/k/v projections have different shapes: %s"
                               % ", ".join(str(list(p.shape)) for p in parts))
        self.shape = (sum(p.shape[0] for p in parts),) + parts[0].shape[1:]

    def chunks(self, dtype):
        for part in self.parts:
            for chunk in part.chunks(dtype):
                yield chunk


def _prod(values):
    result = 1
    for v in values:
        result *= v
    return result


def gather(buf, elem_size, shape, strides, offset):
    """Copy the strided view (shape, strides, offset in elements) of `buf` into
    contiguous row-major bytes.  Dimensions that are contiguous with each other are
    merged first; the innermost one is copied with (stepped) byte slices."""
    count = _prod(shape)
    if count == 0:
        return b""
    dims = []
    for size, stride in zip(shape, strides):
        if size == 1:
            continue
        if dims and dims[-1][1] == stride * size:
            dims[-1] = (dims[-1][0] * size, stride)
        else:
            dims.append((size, stride))
    start = offset * elem_size
    if not dims:
        return bytes(buf[start:start + elem_size])
    inner, inner_stride = dims.pop()
    row_bytes = inner * elem_size
    if not dims and inner_stride == 1:
        return bytes(buf[start:start + row_bytes])
    out = bytearray(count * elem_size)
    pos = 0
    for index in itertools.product(*[range(size) for size, _ in dims]):
        base = start + elem_size * sum(i * stride for i, (_, stride) in zip(index, dims))
        if inner_stride == 1:
            out[pos:pos + row_bytes] = buf[base:base + row_bytes]
        elif inner_stride == 0:
            out[pos:pos + row_bytes] = buf[base:base + elem_size] * inner
        else:
            step = inner_stride * elem_size
            stop = base + (inner - 1) * step + elem_size
            for k in range(elem_size):
                out[pos + k:pos + row_bytes:elem_size] = buf[base + k:stop:step]
        pos += row_bytes
    return bytes(out)


# --------------------------------------------------------------------------------------
# restricted unpickling

class StorageType(Sealed):
    """Stands for a `torch.<X>Storage` class named in a pickle."""

    def __init__(self, dtype):
        self.dtype = dtype


class DType(Sealed):
    """Stands for a `torch.float32`-style dtype object named in a pickle."""

    def __init__(self, dtype):
        self.dtype = dtype


class ScriptObject:
    """Any `__torch__.*` TorchScript module or object: just the attribute dict that the
    pickle's BUILD opcode hands over."""

    def __setstate__(self, state):
        self.state = state


def _rebuild_tensor(storage, offset, size, stride, *_ignored):
    """torch._utils._rebuild_tensor and _v2 (the extra arguments are grad flags/hooks)."""
    if not isinstance(storage, Storage):
        raise ConvertError("bad tensor storage in the checkpoint")
    return Tensor(storage, storage.dtype, size, stride, offset)


def _rebuild_tensor_v3(storage, offset, size, stride, _grad, _hooks, dtype, *_ignored):
    """torch._utils._rebuild_tensor_v3: like v2, with the dtype given separately."""
    if not isinstance(storage, Storage) or not isinstance(dtype, DType):
        raise ConvertError("bad tensor in the checkpoint")
    return Tensor(storage, dtype.dtype, size, stride, offset)


def _rebuild_parameter(data, *_ignored):
    return data


def _jit_list(data):
    if not isinstance(data, list):
        raise ConvertError("bad TorchScript list in the checkpoint")
    return data


def _jit_type_tag(value, _type_name):
    return value


def _jit_tensor_table(_index):
    raise ConvertError("TorchScript tensor tables are not supported")


REBUILD_FUNCTIONS = {
    "_rebuild_tensor": _rebuild_tensor,
    "_rebuild_tensor_v2": _rebuild_tensor,
    "_rebuild_tensor_v3": _rebuild_tensor_v3,
    "_rebuild_parameter": _rebuild_parameter,
    "_rebuild_parameter_with_state": _rebuild_parameter,
}
JIT_HELPERS = {
    "build_intlist": _jit_list, "build_doublelist": _jit_list, "build_boollist": _jit_list,
    "build_tensorlist": _jit_list, "restore_type_tag": _jit_type_tag,
    "build_tensor_from_id": _jit_tensor_table,
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles only tensors, plain containers and (optionally) TorchScript objects.

    `open_storage(dtype, key, numel)` turns a persistent storage id into a Storage.
    """

    def __init__(self, file, open_storage, script_objects):
        super().__init__(file)
        self._open_storage = open_storage
        self._script_objects = script_objects
        self._storages = {}

    def find_class(self, module, name):
        if module == "torch._utils" and name in REBUILD_FUNCTIONS:
            return REBUILD_FUNCTIONS[name]
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" and name in STORAGE_DTYPES:
            return StorageType(STORAGE_DTYPES[name])
        if module == "torch" and name in TORCH_DTYPES:
            return DType(TORCH_DTYPES[name])
        if module == "torch.jit._pickle" and name in JIT_HELPERS:
            return JIT_HELPERS[name]
        if self._script_objects and (module == "__torch__" or module.startswith("__torch__.")):
            return ScriptObject
        raise ConvertError("refusing to unpickle %s.%s: a checkpoint may only contain tensors"
                           % (module, name))

    def persistent_load(self, pid):
        if (not isinstance(pid, tuple) or len(pid) not in (5, 6) or pid[0] != "storage"
                or not isinstance(pid[1], StorageType) or not isinstance(pid[2], str)
                or not isinstance(pid[4], int) or pid[4] < 0):
            raise ConvertError("bad storage reference %r in the checkpoint" % (pid,))
        if len(pid) == 6 and pid[5] is not None:
            raise ConvertError("storage views of the legacy torch.save format are not supported")
        _, storage_type, key, _location, numel = pid[:5]
        if key not in self._storages:
            self._storages[key] = self._open_storage(storage_type.dtype, key, numel)
        storage = self._storages[key]
        if storage.dtype != storage_type.dtype:
            raise ConvertError("storage %s is used with two dtypes" % key)
        return storage


def unpickle(file, where, open_storage, script_objects=False):
    """Run the restricted unpickler on `file`; any failure becomes a ConvertError."""
    try:
        return RestrictedUnpickler(file, open_storage, script_objects).load()
    except ConvertError:
        raise
    except Exception as exc:  # a corrupt pickle can fail in many ways
        raise ConvertError("%s: corrupt pickle (%s: %s)" % (where, type(exc).__name__, exc))


# --------------------------------------------------------------------------------------
# containers: torch zip archives, legacy torch.save files, safetensors

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def sniff(path):
    """Name the container kind of a file from its first bytes."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head[:1] == b"\x80":
        return "legacy"
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    if len(head) < 16:
        raise ConvertError("%s: file too short to be a checkpoint" % path)
    raise ConvertError("%s: unrecognised file format (expected a PyTorch zip checkpoint, "
                       "a legacy torch.save file or .safetensors)" % path)


def open_zip(path):
    """Open a torch zip archive: returns (ZipFile, record prefix, is_torchscript)."""
    try:
        zf = zipfile.ZipFile(path)
        names = zf.namelist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise ConvertError("%s: bad or truncated zip file (%s)" % (path, exc))
    roots = [n[:-len("/data.pkl")] for n in names
             if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(roots) != 1:
        zf.close()
        raise ConvertError("%s: zip has no single <dir>/data.pkl: not a PyTorch checkpoint"
                           % path)
    prefix = roots[0]
    scripted = (prefix + "/constants.pkl") in names or any(
        n.startswith(prefix + "/code/") for n in names)
    return zf, prefix, scripted


def load_zip(path, zf, prefix, scripted):
    """Unpickle <prefix>/data.pkl, with storages from <prefix>/data/<key>."""
    names = set(zf.namelist())
    swap = False
    if prefix + "/byteorder" in names:
        order = read_zip(zf, prefix + "/byteorder").decode("ascii", "replace").strip()
        if order not in ("little", "big"):
            raise ConvertError("%s: unknown byteorder record %r" % (path, order))
        swap = order == "big"

    def open_storage(dtype, key, numel):
        entry = "%s/data/%s" % (prefix, key)
        if entry not in names:
            raise ConvertError("%s: archive lacks storage %s" % (path, entry))
        return Storage(entry, dtype, numel * ELEM_SIZE[dtype], lambda: read_zip(zf, entry),
                       swap)

    pickled = io.BytesIO(read_zip(zf, prefix + "/data.pkl"))
    return unpickle(pickled, prefix + "/data.pkl", open_storage, script_objects=scripted)


def read_zip(zf, entry):
    try:
        return zf.read(entry)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ConvertError("%s: cannot read %s (%s)" % (zf.filename, entry, exc))


def load_legacy(path):
    """Load the legacy (pre-1.6, non-zip) torch.save format: four pickles (magic,
    protocol, system info, the object) followed by the storages' raw data."""
    storages = {}

    def open_storage(dtype, key, numel):
        storages[key] = Storage("%s storage %s" % (path, key), dtype, numel * ELEM_SIZE[dtype],
                                None)  # fetch is set once the data is located
        return storages[key]

    with open(path, "rb") as f:
        magic = unpickle(f, path, open_storage)
        if magic != LEGACY_MAGIC:
            raise ConvertError("%s: not a torch.save file (bad magic number)" % path)
        unpickle(f, path, open_storage)  # protocol version
        info = unpickle(f, path, open_storage)
        if not isinstance(info, dict) or not info.get("little_endian", True):
            raise ConvertError("%s: big-endian legacy checkpoints are not supported" % path)
        obj = unpickle(f, path, open_storage)
        keys = unpickle(f, path, open_storage)
        if not isinstance(keys, list):
            raise ConvertError("%s: corrupt storage list" % path)
        for key in keys:
            head = f.read(8)
            if len(head) < 8 or key not in storages:
                raise ConvertError("%s: truncated or corrupt storage data" % path)
            storage = storages[key]
            nbytes = struct.unpack("<q", head)[0] * ELEM_SIZE[storage.dtype]
            if nbytes != storage.nbytes:
                raise ConvertError("%s: storage %s has an inconsistent size" % (path, key))
            storage.fetch = _file_reader(path, f.tell(), nbytes)
            f.seek(nbytes, os.SEEK_CUR)
        if f.tell() > os.path.getsize(path):
            raise ConvertError("%s: file is truncated" % path)
    if any(s.fetch is None for s in storages.values()):
        raise ConvertError("%s: storage data is missing" % path)
    return obj


def _file_reader(path, offset, nbytes):
    def fetch():
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read(nbytes)
    return fetch


def load_safetensors(path):
    """Parse a .safetensors file: u64 header length, JSON header, then raw data."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise ConvertError("%s: truncated safetensors file" % path)
        header_len = struct.unpack("<Q", head)[0]
        if header_len > size - 8:
            raise ConvertError("%s: truncated safetensors file (header)" % path)
        try:
            header = json.loads(f.read(header_len).decode("utf-8"))
        except ValueError as exc:
            raise ConvertError("%s: corrupt safetensors header (%s)" % (path, exc))
    if not isinstance(header, dict):
        raise ConvertError("%s: corrupt safetensors header" % path)
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = SAFETENSORS_DTYPES[info["dtype"]]
            shape = _check_dims(info["shape"], "shape")
            begin, end = info["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise ConvertError("%s: bad or unsupported header entry for %s: %r"
                               % (path, name, info))
        nbytes = _prod(shape) * ELEM_SIZE[dtype]
        if not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin <= end
                and end - begin == nbytes):
            raise ConvertError("%s: bad data offsets for %s" % (path, name))
        if base + end > size:
            raise ConvertError("%s: truncated safetensors file (%s)" % (path, name))
        storage = Storage("%s:%s" % (path, name), dtype, nbytes,
                          _file_reader(path, base + begin, nbytes))
        tensors[name] = Tensor(storage, dtype, shape, _contiguous_strides(shape), 0)
    return tensors


def _contiguous_strides(shape):
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= size
    return tuple(reversed(strides))


# --------------------------------------------------------------------------------------
# from a loaded container to a flat {name: tensor} dict

def walk_script_module(root):
    """Collect the tensors of a TorchScript object tree as {dotted name: Tensor}, and
    the integer attributes (e.g. attn.num_heads) as {dotted name: int}."""
    if not isinstance(root, ScriptObject):
        raise ConvertError("TorchScript archive does not hold a module")
    tensors, ints = {}, {}
    stack, seen = [("", root)], set()
    while stack:
        prefix, obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        state = getattr(obj, "state", None)
        if not isinstance(state, dict):
            continue
        for key, value in state.items():
            if not isinstance(key, str):
                continue
            if isinstance(value, Tensor):
                tensors[prefix + key] = value
            elif isinstance(value, ScriptObject):
                stack.append((prefix + key + ".", value))
            elif isinstance(value, int) and not isinstance(value, bool):
                ints[prefix + key] = value
    return tensors, ints


def unwrap_state_dict(obj, where):
    """The {name: Tensor} dict of a torch.save()d object: a state dict, or a training
    checkpoint with a "state_dict" entry; a common "module." prefix is removed."""
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not obj:
        raise ConvertError("%s does not hold a state dict (a dict of tensors)" % where)
    if all(isinstance(k, str) and k.startswith("module.") for k in obj):
        obj = {k[len("module."):]: v for k, v in obj.items()}
    tensors = {k: v for k, v in obj.items() if isinstance(v, Tensor)}
    if not tensors:
        raise ConvertError("%s holds no tensors" % where)
    return tensors


FORMAT_NAMES = {"openai-jit": "TorchScript archive", "state-dict": "torch.save state dict",
                "safetensors": "safetensors file"}


def load_weight_file(path, forced=None):
    """Load one checkpoint file: returns (format, tensors, integer attributes); `forced`
    is the format the user asked for, if any."""
    kind = sniff(path)
    zip_archive = open_zip(path) if kind == "zip" else None
    if zip_archive:
        fmt = "openai-jit" if zip_archive[2] else "state-dict"
    else:
        fmt = "state-dict" if kind == "legacy" else "safetensors"
    if forced and forced != fmt:
        raise ConvertError("%s is a %s, not a %s" % (path, FORMAT_NAMES[fmt],
                                                      FORMAT_NAMES[forced]))
    if fmt == "openai-jit":
        tensors, ints = walk_script_module(load_zip(path, *zip_archive))
        return fmt, tensors, ints
    if zip_archive:
        return fmt, unwrap_state_dict(load_zip(path, *zip_archive), path), {}
    if kind == "legacy":
        return fmt, unwrap_state_dict(load_legacy(path), path), {}
    return fmt, load_safetensors(path), {}


# --------------------------------------------------------------------------------------
# Hugging Face CLIPModel

HF_WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json",
                   "pytorch_model.bin", "pytorch_model.bin.index.json")
HF_NAMES = {
    "vision_model.embeddings.patch_embedding.weight": "visual.conv1.weight",
    "vision_model.embeddings.class_embedding": "visual.class_embedding",
    "vision_model.embeddings.position_embedding.weight": "visual.positional_embedding",
    "vision_model.pre_layrnorm.weight": "visual.ln_pre.weight",
    "vision_model.pre_layrnorm.bias": "visual.ln_pre.bias",
    "vision_model.post_layernorm.weight": "visual.ln_post.weight",
    "vision_model.post_layernorm.bias": "visual.ln_post.bias",
    "text_model.embeddings.token_embedding.weight": "token_embedding.weight",
    "text_model.embeddings.position_embedding.weight": "positional_embedding",
    "text_model.final_layer_norm.weight": "ln_final.weight",
    "text_model.final_layer_norm.bias": "ln_final.bias",
    "logit_scale": "logit_scale",
}
HF_TRANSPOSED = {"visual_projection.weight": "visual.proj",
                 "text_projection.weight": "text_projection"}
HF_LAYER_NAMES = {
    "layer_norm1": "ln_1", "layer_norm2": "ln_2", "self_attn.out_proj": "attn.out_proj",
    "mlp.fc1": "mlp.c_fc", "mlp.fc2": "mlp.c_proj",
}
HF_LAYER = re.compile(r"(vision|text)_model\.encoder\.layers\.(\d+)\.(.+)\.(weight|bias)$")
HF_TOWER_PREFIX = {"vision": "visual.transformer.resblocks.", "text": "transformer.resblocks."}
# CLIPVisionConfig / CLIPTextConfig defaults, used when config.json leaves a key out
HF_VISION_DEFAULTS = {"hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
                      "num_attention_heads": 12, "image_size": 224, "patch_size": 32,
                      "hidden_act": "quick_gelu"}
HF_TEXT_DEFAULTS = {"hidden_size": 512, "intermediate_size": 2048, "num_hidden_layers": 12,
                    "num_attention_heads": 8, "max_position_embeddings": 77,
                    "vocab_size": 49408, "hidden_act": "quick_gelu"}


def looks_like_hf(tensors):
    return any(k.startswith(("vision_model.", "text_model.")) for k in tensors)


def hf_directory(path):
    """The model directory and weight file of an HF input (a directory or a file in it)."""
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    if not os.path.isfile(os.path.join(folder, "config.json")):
        raise ConvertError("%s: no config.json (needed for a Hugging Face model)" % folder)
    if not os.path.isdir(path) and os.path.basename(path) != "config.json":
        return folder, path
    for name in HF_WEIGHT_FILES:
        if os.path.isfile(os.path.join(folder, name)):
            return folder, os.path.join(folder, name)
    raise ConvertError("%s: no %s" % (folder, " or ".join(HF_WEIGHT_FILES)))


def load_hf_weights(weight_path):
    """All tensors of an HF weight file, following a sharded *.index.json."""
    if not weight_path.endswith(".index.json"):
        return load_weight_file(weight_path)[1]
    index = read_json(weight_path)
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise ConvertError("%s: no weight_map" % weight_path)
    tensors = {}
    folder = os.path.dirname(weight_path)
    for shard in sorted(set(weight_map.values())):
        if not isinstance(shard, str) or os.path.basename(shard) != shard:
            raise ConvertError("%s: bad shard name %r" % (weight_path, shard))
        tensors.update(load_weight_file(os.path.join(folder, shard))[1])
    return tensors


def read_json(path):
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    except (ValueError, OSError) as exc:
        raise ConvertError("%s: cannot read JSON (%s)" % (path, exc))


def hf_configs(config, where):
    """(vision config, text config or None) with HF defaults filled in."""
    model_type = config.get("model_type", "clip")
    if model_type == "clip_vision_model":
        vision, text = config, None
    elif model_type == "clip":
        vision = config.get("vision_config") or config.get("vision_config_dict") or {}
        text = config.get("text_config") or config.get("text_config_dict") or {}
    else:
        raise ConvertError("%s: model_type %r is not a CLIP model" % (where, model_type))
    if not isinstance(vision, dict) or not isinstance(text, (dict, type(None))):
        raise ConvertError("%s: malformed vision_config or text_config" % where)
    vision = dict(HF_VISION_DEFAULTS, **vision)
    text = dict(HF_TEXT_DEFAULTS, **text) if text is not None else None
    return vision, text


def map_hf_tensors(hf):
    """Rename HF CLIPModel tensors to the OpenAI layout."""
    out, qkv = {}, {}
    for name, tensor in hf.items():
        layer = HF_LAYER.match(name)
        if name in HF_NAMES:
            out[HF_NAMES[name]] = tensor
        elif name in HF_TRANSPOSED:
            if len(tensor.shape) != 2:
                raise ConvertError("%s has shape %s, expected 2-D" % (name, list(tensor.shape)))
            out[HF_TRANSPOSED[name]] = tensor.transposed()
        elif name.endswith("position_ids"):
            continue
        elif layer:
            tower, index, module, kind = layer.groups()
            prefix = "%s%d." % (HF_TOWER_PREFIX[tower], int(index))
            if module in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"):
                qkv.setdefault((prefix, kind), {})[module[10]] = (name, tensor)
            elif module in HF_LAYER_NAMES:
                out[prefix + HF_LAYER_NAMES[module] + "." + kind] = tensor
            else:
                raise ConvertError("unexpected tensor %s in the Hugging Face model" % name)
        else:
            raise ConvertError("unexpected tensor %s in the Hugging Face model" % name)
    for (prefix, kind), parts in qkv.items():
        for letter in "qkv":
            if letter not in parts:
                raise ConvertError("missing tensor %s" % (
                    prefix + "self_attn.%s_proj.%s" % (letter, kind)))
        out[prefix + "attn.in_proj_" + kind] = Concat([parts[c][1] for c in "qkv"])
    return out


def load_hf(path, vision_only):
    """Load an HF CLIPModel: returns (tensors in OpenAI layout, hints, folder)."""
    folder, weight_path = hf_directory(path)
    config = read_json(os.path.join(folder, "config.json"))
    if not isinstance(config, dict):
        raise ConvertError("%s/config.json is not a JSON object" % folder)
    vision, text = hf_configs(config, folder + "/config.json")
    if text is None and not vision_only:
        raise ConvertError("%s holds a vision model only: pass --vision-only" % folder)
    tensors = map_hf_tensors(load_hf_weights(weight_path))
    hints = {"v_heads": vision["num_attention_heads"], "act": hf_act(vision, "vision"),
             "expect": {"v_image_size": vision["image_size"], "v_patch_size": vision["patch_size"],
                        "v_width": vision["hidden_size"], "v_mlp": vision["intermediate_size"],
                        "v_layers": vision["num_hidden_layers"]}}
    if text is not None and not vision_only:
        hints["t_heads"] = text["num_attention_heads"]
        if hf_act(text, "text") != hints["act"]:
            raise ConvertError("config.json: the two towers use different activations")
        hints["expect"].update({
            "t_width": text["hidden_size"], "t_mlp": text["intermediate_size"],
            "t_layers": text["num_hidden_layers"], "t_context": text["max_position_embeddings"],
            "t_vocab": text["vocab_size"],
            "embed_dim": config.get("projection_dim", text.get("projection_dim", 512))})
    return tensors, hints, folder


def hf_act(config, tower):
    act = config["hidden_act"]
    if act not in ACTS:
        raise ConvertError("config.json: unsupported %s hidden_act %r (only quick_gelu and gelu)"
                           % (tower, act))
    return act


# --------------------------------------------------------------------------------------
# hyper-parameters and the expected tensor list

IGNORED_OPENAI = ("input_resolution", "context_length", "vocab_size")
BLOCK_TENSORS = ("ln_1.weight", "ln_1.bias", "attn.in_proj_weight", "attn.in_proj_bias",
                 "attn.out_proj.weight", "attn.out_proj.bias", "ln_2.weight", "ln_2.bias",
                 "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias")


def block_shapes(width, mlp):
    return {"ln_1.weight": [width], "ln_1.bias": [width],
            "attn.in_proj_weight": [3 * width, width], "attn.in_proj_bias": [3 * width],
            "attn.out_proj.weight": [width, width], "attn.out_proj.bias": [width],
            "ln_2.weight": [width], "ln_2.bias": [width],
            "mlp.c_fc.weight": [mlp, width], "mlp.c_fc.bias": [mlp],
            "mlp.c_proj.weight": [width, mlp], "mlp.c_proj.bias": [width]}


def expected_tensors(hp):
    """[(name, shape)] of the .pmc file, in the directory order of the format."""
    out = []
    if hp["flags"] & 1:
        w, grid = hp["v_width"], hp["v_image_size"] // hp["v_patch_size"]
        p = hp["v_patch_size"]
        out += [("visual.conv1.weight", [w, 3, p, p]), ("visual.class_embedding", [w]),
                ("visual.positional_embedding", [grid * grid + 1, w]),
                ("visual.ln_pre.weight", [w]), ("visual.ln_pre.bias", [w])]
        out += _blocks("visual.transformer.resblocks.", hp["v_layers"], w, hp["v_mlp"])
        out += [("visual.ln_post.weight", [w]), ("visual.ln_post.bias", [w]),
                ("visual.proj", [w, hp["embed_dim"]])]
    if hp["flags"] & 2:
        w = hp["t_width"]
        out += [("token_embedding.weight", [hp["t_vocab"], w]),
                ("positional_embedding", [hp["t_context"], w])]
        out += _blocks("transformer.resblocks.", hp["t_layers"], w, hp["t_mlp"])
        out += [("ln_final.weight", [w]), ("ln_final.bias", [w]),
                ("text_projection", [w, hp["embed_dim"]])]
    return out


def _blocks(prefix, layers, width, mlp):
    shapes = block_shapes(width, mlp)
    return [("%s%d.%s" % (prefix, i, t), shapes[t]) for i in range(layers) for t in BLOCK_TENSORS]


def _shape(tensors, name, ndim):
    if name not in tensors:
        raise ConvertError("missing tensor %s" % name)
    shape = list(tensors[name].shape)
    if len(shape) != ndim:
        raise ConvertError("%s has shape %s, expected %d dimensions" % (name, shape, ndim))
    return shape


MAX_LAYERS = 1024


def _count_layers(tensors, prefix):
    """1 + the highest block index under `prefix` (0 if there is none)."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)\.")
    indices = {int(m.group(1)) for m in map(pattern.match, tensors) if m}
    layers = max(indices) + 1 if indices else 0
    if layers > MAX_LAYERS:
        raise ConvertError("implausible block index %s%d" % (prefix, layers - 1))
    return layers


def _heads(width, override, hint, tower):
    heads = override or hint or width // 64
    if heads <= 0 or width % heads:
        raise ConvertError("%s width %d is not divisible by %d heads%s" % (
            tower, width, heads, "" if override else " (use --%s-heads)" % tower))
    return heads


def infer_hparams(tensors, hints, args):
    """Hyper-parameters from tensor shapes (as OpenAI's build_model), hints and options."""
    if any(k.startswith(("visual.layer1.", "visual.attnpool.")) for k in tensors):
        raise ConvertError("ResNet CLIP is not supported; only ViT models")
    hp = {"flags": 1}
    width, _, patch, patch2 = _shape(tensors, "visual.conv1.weight", 4)
    if patch != patch2:
        raise ConvertError("visual.conv1.weight is not a square patch embedding")
    rows = _shape(tensors, "visual.positional_embedding", 2)[0]
    grid = math.isqrt(max(rows - 1, 0))
    if rows < 2 or grid * grid + 1 != rows:
        raise ConvertError("visual.positional_embedding has %d rows: not 1 + a square grid"
                           % rows)
    hp.update(v_width=width, v_patch_size=patch, v_image_size=patch * grid,
              v_layers=_count_layers(tensors, "visual.transformer.resblocks."),
              embed_dim=_shape(tensors, "visual.proj", 2)[1])
    if hp["v_layers"] == 0:
        raise ConvertError("missing tensors visual.transformer.resblocks.*")
    hp["v_mlp"] = _shape(tensors, "visual.transformer.resblocks.0.mlp.c_fc.weight", 2)[0]
    hp["v_heads"] = _heads(width, args.vision_heads, hints.get("v_heads"), "vision")
    for key in ("t_context", "t_vocab", "t_width", "t_layers", "t_heads", "t_mlp"):
        hp[key] = 0
    if not args.vision_only:
        if "token_embedding.weight" not in tensors:
            raise ConvertError("the checkpoint has no text tower (token_embedding.weight): "
                               "pass --vision-only to convert the image tower alone")
        hp["flags"] |= 2
        hp.update(t_width=_shape(tensors, "ln_final.weight", 1)[0],
                  t_context=_shape(tensors, "positional_embedding", 2)[0],
                  t_vocab=_shape(tensors, "token_embedding.weight", 2)[0],
                  t_layers=_count_layers(tensors, "transformer.resblocks."))
        if hp["t_layers"] == 0:
            raise ConvertError("missing tensors transformer.resblocks.*")
        hp["t_mlp"] = _shape(tensors, "transformer.resblocks.0.mlp.c_fc.weight", 2)[0]
        hp["t_heads"] = _heads(hp["t_width"], args.text_heads, hints.get("t_heads"), "text")
        text_embed = _shape(tensors, "text_projection", 2)[1]
        if text_embed != hp["embed_dim"]:
            raise ConvertError("text_projection gives embed_dim %d but visual.proj gives %d"
                               % (text_embed, hp["embed_dim"]))
    for key, value in sorted(hints.get("expect", {}).items()):
        if hp.get(key) != value:
            raise ConvertError("config.json says %s = %s but the weights have %s"
                               % (key, value, hp.get(key)))
    hp["act"] = ACTS[args.act or hints.get("act") or "quick_gelu"]
    return hp


TEXT_TOWER = ("token_embedding.", "positional_embedding", "transformer.", "ln_final.",
              "text_projection")


def select_tensors(tensors, hp, vision_only):
    """Check every expected tensor (presence, shape, float dtype) and that nothing
    unknown is left over.  Returns [(name, tensor)] in file order, the names of ignored
    extras and the number of text-tower tensors dropped by --vision-only."""
    expected = expected_tensors(hp)
    chosen = []
    for name, shape in expected:
        if name not in tensors:
            raise ConvertError("missing tensor %s" % name)
        tensor = tensors[name]
        if list(tensor.shape) != shape:
            raise ConvertError("%s has shape %s, expected %s" % (name, list(tensor.shape), shape))
        _check_float(name, tensor)
        chosen.append((name, tensor))
    known = {name for name, _ in expected} | {"logit_scale"}
    ignored, dropped = [], 0
    for name in sorted(tensors):
        if name in known:
            continue
        if vision_only and name.startswith(TEXT_TOWER):
            dropped += 1
        elif name in IGNORED_OPENAI or name.endswith("attn_mask"):
            ignored.append(name)
        else:
            raise ConvertError("unexpected tensor %s: the .pmc format cannot hold it" % name)
    return chosen, ignored, dropped


def _check_float(name, tensor):
    dtypes = tensor.parts if isinstance(tensor, Concat) else [tensor]
    for t in dtypes:
        if t.dtype not in FLOAT_DTYPES:
            raise ConvertError("%s has dtype %s, expected a floating-point tensor"
                               % (name, t.dtype))


def read_logit_scale(tensors, vision_only):
    """The raw logit_scale parameter as a float (ln 100 if absent in a vision-only model)."""
    tensor = tensors.get("logit_scale")
    if tensor is None:
        if vision_only:
            return math.log(100.0)
        raise ConvertError("missing tensor logit_scale")
    _check_float("logit_scale", tensor)
    if tensor.numel() != 1:
        raise ConvertError("logit_scale has shape %s, expected a scalar" % list(tensor.shape))
    data = b"".join(tensor.chunks("f32"))
    return struct.unpack("<f", data)[0]


# --------------------------------------------------------------------------------------
# tokenizer merges

def byte_symbols():
    """CLIP's byte-level alphabet: the 256 byte symbols in vocabulary order."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1))
                 + list(range(0xAE, 0xFF + 1)))
    symbols = [chr(b) for b in printable]
    symbols += [chr(256 + n) for n in range(256 - len(printable))]
    return symbols


def read_text(path):
    """A merge file's text (gzip-compressed or plain UTF-8)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return data.decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise ConvertError("%s: cannot read merges (%s)" % (path, exc))


def load_merges(path, vocab):
    """The first vocab - 514 merges of a CLIP merge file, as (left, right) pairs,
    checked to be a valid merge list over CLIP's byte alphabet."""
    needed = vocab - 2 * 256 - 2
    if needed <= 0:
        raise ConvertError("text vocabulary %d is too small for a CLIP tokenizer" % vocab)
    lines = read_text(path).split("\n")
    if "#version" in lines[0]:  # CLIP's own file has '"bpe_simple_vocab_16e6.txt#version: 0.2'
        lines = lines[1:]
    lines = [line[:-1] if line.endswith("\r") else line for line in lines[:needed]]
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) < needed:
        raise ConvertError("%s has %d merges but the model's vocabulary of %d needs %d"
                           % (path, len(lines), vocab, needed))
    symbols = byte_symbols()
    known = set(symbols) | {s + "</w>" for s in symbols}
    merges = []
    for number, line in enumerate(lines, 1):
        pair = line.split(" ")
        if len(pair) != 2 or not all(pair) or pair[0] not in known or pair[1] not in known:
            raise ConvertError("%s: merge %d %r is not a merge of known CLIP symbols"
                               % (path, number, line))
        known.add(pair[0] + pair[1])
        merges.append((pair[0], pair[1]))
    return merges


def check_hf_vocab(path, merges):
    """Check that vocab.json numbers tokens the way CLIP builds its vocabulary."""
    vocab = read_json(path)
    if not isinstance(vocab, dict):
        raise ConvertError("%s is not a JSON object" % path)
    symbols = byte_symbols()
    tokens = symbols + [s + "</w>" for s in symbols] + [a + b for a, b in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    expected = {}
    for index, token in enumerate(tokens):
        expected[token] = index  # a repeated token keeps its last id, as in CLIP
    for token, index in expected.items():
        if vocab.get(token) != index:
            raise ConvertError("%s gives %r the id %s, but CLIP's order from the merges "
                               "gives %d" % (path, token, vocab.get(token), index))
    if len(vocab) != len(expected):
        raise ConvertError("%s has %d tokens, expected %d" % (path, len(vocab), len(expected)))


# --------------------------------------------------------------------------------------
# writing the .pmc file

def _align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


class Layout:
    """Byte offsets of the parts of the output file: header, directory, merges, data."""

    def __init__(self, chosen, bpe_size, dtype):
        self.n_tensors = len(chosen)
        self.dir_size = len(chosen) * DIR_ENTRY_SIZE
        self.bpe_size = bpe_size
        self.bpe_offset = HEADER_SIZE + self.dir_size if bpe_size else 0
        self.data_offset = _align(HEADER_SIZE + self.dir_size + bpe_size)
        self.offsets, self.sizes = [], []
        end = self.data_offset
        for _, tensor in chosen:
            self.offsets.append(_align(end))
            self.sizes.append(_prod(tensor.shape) * ELEM_SIZE[dtype])
            end = self.offsets[-1] + self.sizes[-1]
        self.file_size = end


def pack_header(hp, layout, logit_scale, mean, std, n_merges):
    """The 256-byte file header."""
    header = bytearray(HEADER_SIZE)
    struct.pack_into("<8s18I", header, 0, b"PMCLIP\0\0", 1, HEADER_SIZE, hp["flags"], hp["act"],
                     hp["v_image_size"], hp["v_patch_size"], hp["v_width"], hp["v_layers"],
                     hp["v_heads"], hp["v_mlp"], hp["t_context"], hp["t_vocab"], hp["t_width"],
                     hp["t_layers"], hp["t_heads"], hp["t_mlp"], hp["embed_dim"],
                     layout.n_tensors)
    struct.pack_into("<f3f3fI7Q", header, 80, logit_scale, *(tuple(mean) + tuple(std) + (
        n_merges, HEADER_SIZE, layout.dir_size, layout.bpe_offset, layout.bpe_size,
        layout.data_offset, layout.file_size - layout.data_offset, layout.file_size)))
    return bytes(header)


def pack_directory(chosen, layout, dtype):
    """The tensor directory: one 128-byte entry per tensor."""
    entries = []
    for (name, tensor), offset, nbytes in zip(chosen, layout.offsets, layout.sizes):
        shape = list(tensor.shape) + [0] * (4 - len(tensor.shape))
        entries.append(struct.pack("<64sII4IQQ24x", name.encode("ascii"), PMC_DTYPES[dtype],
                                   len(tensor.shape), *(shape + [offset, nbytes])))
    return b"".join(entries)


def write_atomically(out_path, write):
    """Call write(file) on OUT.tmp, fsync it and rename it over OUT; on any failure the
    temporary file is removed and OUT is left as it was."""
    tmp = out_path + ".tmp"
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_pmc(out_path, head, bpe, chosen, layout, dtype):
    """Write header + directory (`head`), the merges and every tensor's data."""
    def write(f):
        f.write(head)
        f.write(bpe)
        for (name, tensor), offset, nbytes in zip(chosen, layout.offsets, layout.sizes):
            f.write(b"\0" * (offset - f.tell()))
            for chunk in tensor.chunks(dtype):
                f.write(chunk)
            if f.tell() != offset + nbytes:
                raise ConvertError("%s: converted data has the wrong size" % name)

    write_atomically(out_path, write)


# --------------------------------------------------------------------------------------
# command line

def parse_triple(text):
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError("expected three numbers r,g,b, got %r" % text)
    return values


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError("expected a positive integer, got %r" % text)
    return value


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        fail(message)


def build_parser():
    p = ArgumentParser(
        prog=PROG,
        description="Convert a CLIP ViT checkpoint (OpenAI TorchScript .pt, torch.save state "
                    "dict, .safetensors or a Hugging Face CLIPModel directory) into a "
                    "promptmargin .pmc model file.",
        epilog="Hyper-parameters are inferred from the tensor shapes.  OpenAI's models use "
               "quick_gelu (the default for non-HF inputs); open_clip models trained by LAION "
               "(e.g. laion2b_* weights) use gelu: pass --act gelu for them.")
    p.add_argument("input", help="checkpoint file, or a Hugging Face model directory")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pmc",
                   help="output file (required; written atomically via OUT.pmc.tmp)")
    p.add_argument("--bpe", metavar="PATH",
                   help="CLIP merge list (bpe_simple_vocab_16e6.txt.gz or plain text); required "
                        "for the text tower except for Hugging Face inputs, which use merges.txt "
                        "(default: none)")
    p.add_argument("--dtype", choices=sorted(PMC_DTYPES), default="f32",
                   help="dtype of every stored tensor (default: f32)")
    p.add_argument("--format", default="auto",
                   choices=["auto", "openai-jit", "state-dict", "safetensors", "hf"],
                   help="input format (default: auto, detected from the contents)")
    p.add_argument("--vision-heads", type=positive_int, metavar="N",
                   help="vision attention heads (default: from the checkpoint or config, "
                        "else width // 64)")
    p.add_argument("--text-heads", type=positive_int, metavar="N",
                   help="text attention heads (default: from the checkpoint or config, "
                        "else width // 64)")
    p.add_argument("--act", choices=sorted(ACTS),
                   help="MLP activation (default: hidden_act of an HF config, else quick_gelu)")
    p.add_argument("--mean", type=parse_triple, default=CLIP_MEAN, metavar="R,G,B",
                   help="image normalisation mean (default: %s)" % ",".join(map(str, CLIP_MEAN)))
    p.add_argument("--std", type=parse_triple, default=CLIP_STD, metavar="R,G,B",
                   help="image normalisation std (default: %s)" % ",".join(map(str, CLIP_STD)))
    p.add_argument("--vision-only", action="store_true",
                   help="write the image tower only (required when the checkpoint has no text "
                        "tower; default: off)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success (default: off)")
    return p


def fail(message):
    sys.stderr.write("%s: error: %s\n" % (PROG, message))
    sys.exit(1)


def load_input(args):
    """Load the input: returns (format, {OpenAI name: tensor}, hints, HF folder or None)."""
    if not os.path.exists(args.input):
        raise ConvertError("%s: no such file or directory" % args.input)
    hf_path = os.path.isdir(args.input) or args.input.endswith(".json")  # config or index
    if args.format == "hf" or (args.format == "auto" and hf_path):
        tensors, hints, folder = load_hf(args.input, args.vision_only)
        return "hf", tensors, hints, folder
    fmt, tensors, ints = load_weight_file(args.input, None if args.format == "auto"
                                          else args.format)
    if looks_like_hf(tensors):
        if args.format != "auto":
            raise ConvertError("%s holds Hugging Face tensor names: use --format hf" % args.input)
        tensors, hints, folder = load_hf(args.input, args.vision_only)
        return "hf", tensors, hints, folder
    hints = {"v_heads": ints.get("visual.transformer.resblocks.0.attn.num_heads"),
             "t_heads": ints.get("transformer.resblocks.0.attn.num_heads")}
    return fmt, tensors, hints, None


def load_tokenizer(args, hp, hf_folder):
    """The merge list for the text tower, and where it came from."""
    if args.bpe:
        return load_merges(args.bpe, hp["t_vocab"]), args.bpe
    if hf_folder is None:
        raise ConvertError("the text tower needs the CLIP merge list: pass --bpe "
                           "bpe_simple_vocab_16e6.txt.gz (or --vision-only)")
    path = os.path.join(hf_folder, "merges.txt")
    if not os.path.isfile(path):
        raise ConvertError("%s: no merges.txt; pass --bpe" % hf_folder)
    merges = load_merges(path, hp["t_vocab"])
    vocab_path = os.path.join(hf_folder, "vocab.json")
    if os.path.isfile(vocab_path):
        check_hf_vocab(vocab_path, merges)
    return merges, path


def describe(log, fmt, hp, logit_scale, args, merge_source, n_merges, skipped, chosen):
    """Print what was found and what will be written."""
    ignored, dropped = skipped
    log("format: %s" % fmt)
    log("vision: image %d, patch %d, width %d, layers %d, heads %d, mlp %d" % (
        hp["v_image_size"], hp["v_patch_size"], hp["v_width"], hp["v_layers"], hp["v_heads"],
        hp["v_mlp"]))
    if hp["flags"] & 2:
        log("text: context %d, vocab %d, width %d, layers %d, heads %d, mlp %d" % (
            hp["t_context"], hp["t_vocab"], hp["t_width"], hp["t_layers"], hp["t_heads"],
            hp["t_mlp"]))
        log("merges: %d from %s" % (n_merges, merge_source))
    else:
        log("text: none (vision only%s)" % (
            ", %d text tensors dropped" % dropped if dropped else ""))
    log("embed_dim %d, act %s, logit_scale %.6g (exp %.4g)" % (
        hp["embed_dim"], "gelu" if hp["act"] else "quick_gelu", logit_scale,
        math.exp(min(logit_scale, 700.0))))
    log("mean %s, std %s" % (",".join("%g" % v for v in args.mean),
                             ",".join("%g" % v for v in args.std)))
    if ignored:
        log("ignored %d unused tensor(s): %s%s" % (
            len(ignored), ", ".join(ignored[:4]), ", ..." if len(ignored) > 4 else ""))
    log("tensors: %d, stored as %s" % (len(chosen), args.dtype))
    for name, tensor in chosen:
        log("  %-52s %-4s %s" % (name, args.dtype, list(tensor.shape)))


def convert(args, log):
    """Read the input, check it, print a summary and write the .pmc file."""
    started = time.time()
    fmt, tensors, hints, hf_folder = load_input(args)
    hp = infer_hparams(tensors, hints, args)
    chosen, ignored, dropped = select_tensors(tensors, hp, args.vision_only)
    logit_scale = read_logit_scale(tensors, args.vision_only)
    merges, merge_source = [], None
    if hp["flags"] & 2:
        merges, merge_source = load_tokenizer(args, hp, hf_folder)
    bpe = "".join("%s %s\n" % pair for pair in merges).encode("utf-8")
    describe(log, fmt, hp, logit_scale, args, merge_source, len(merges), (ignored, dropped),
             chosen)
    layout = Layout(chosen, len(bpe), args.dtype)
    head = pack_header(hp, layout, logit_scale, args.mean, args.std, len(merges))
    head += pack_directory(chosen, layout, args.dtype)
    write_pmc(args.output, head, bpe, chosen, layout, args.dtype)
    log("wrote %s: %d bytes (%.1f MiB) in %.1f s" % (
        args.output, layout.file_size, layout.file_size / 2.0 ** 20, time.time() - started))


def main(argv=None):
    args = build_parser().parse_args(argv)
    if any(v <= 0 for v in args.std):
        fail("--std values must be positive")
    log = (lambda line: None) if args.quiet else (lambda line: print(line, flush=True))
    try:
        convert(args, log)
    except ConvertError as exc:
        fail(str(exc))
    except MemoryError:
        fail("out of memory")
    except OSError as exc:
        fail("%s: %s" % (exc.filename or "I/O error", exc.strerror or exc))
    except KeyboardInterrupt:
        fail("interrupted")
    except Exception as exc:  # a bug or an input failure not anticipated above
        fail("internal error (%s: %s)" % (type(exc).__name__, exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
