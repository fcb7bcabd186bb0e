/* flypy's counting callbacks for sys.monitoring (CPython 3.12+), in C.
 *
 * Why C: a sys.monitoring callback written in Python costs a Python call per event (~100 ns,
 * ~1,600 machine instructions on 3.12.1, measured), more than a loop iteration of ordinary code
 * (~400), so exact counting cost 4-5x on a mix of loops, branches and calls. The same count in
 * a C function called through vectorcall costs ~20 ns an event (measured, bench/trace_overhead).
 *
 * What it is: one module function, tally(mode, entries, disable, guard), returning a builtin
 * function (a PyCFunction bound to a capsule that holds the state) to register as a callback.
 * `entries` is a list of tuples (code, counters...): each code object counted and bytearrays
 * the helper (run.py) made and reads after the run, one native int64 per byte offset each. (A
 * list, not a dict: equal code objects are different code objects.) A slot of -1 is
 * switched off: the callback returns `disable` (sys.monitoring.DISABLE), which removes that
 * event at that offset of that code object only.
 *   mode 0, count:  (code, offset[, x]): an entry (code, slots); slots[offset] += 1.
 *   mode 1, branch: (code, src, dst): an entry (code, leave, arrive[, flags, landing]);
 *       leave[src] += 1, and arrive[dst] += 1 unless flags[src] & NO_ARRIVAL. Where
 *       landing[dst] is set (and src is no NO_ARRIVAL branch), guard(code, src, dst) is asked
 *       first, and a true answer drops the event (see run.py's start_edges: a 3.14+ POP_ITER
 *       repeating a jump's departure).
 * An event of a code object not in `entries` (a global event elsewhere) is ignored.
 *
 * Built against the stable ABI (abi3, 3.12+) without Python's headers: the declarations below
 * are the documented stable-ABI functions and the layouts the stable ABI fixes (a non-debug,
 * GIL build; run.py does not load this into a debug or free-threaded interpreter), so one
 * shared object serves every 3.12+ interpreter. build.rs compiles it; flypy embeds it.
 */
#include <stddef.h>
#include <stdint.h>

typedef intptr_t Py_ssize_t;
typedef struct PyObject { Py_ssize_t ob_refcnt; void *ob_type; } PyObject;
typedef struct {
    const char *ml_name; void *ml_meth; int ml_flags; const char *ml_doc;
} PyMethodDef;
typedef struct {
    PyObject ob_base; PyObject *(*m_init)(void); Py_ssize_t m_index; PyObject *m_copy;
} PyModuleDef_Base;
typedef struct {
    PyModuleDef_Base m_base; const char *m_name; const char *m_doc; Py_ssize_t m_size;
    PyMethodDef *m_methods; void *m_slots; void *m_traverse; void *m_clear; void *m_free;
} PyModuleDef;
#define METH_FASTCALL 0x0080
#define PYTHON_ABI_VERSION 3

extern PyObject _Py_NoneStruct;
extern PyObject PyByteArray_Type;
extern PyObject PyBytes_Type;
extern PyObject *PyExc_TypeError;
PyObject *PyModule_Create2(PyModuleDef *, int);
Py_ssize_t PyLong_AsSsize_t(PyObject *);
long PyLong_AsLong(PyObject *);
PyObject *PyErr_Occurred(void);
void PyErr_SetString(PyObject *, const char *);
Py_ssize_t PyList_Size(PyObject *);
PyObject *PyList_GetItem(PyObject *, Py_ssize_t);
Py_ssize_t PyTuple_Size(PyObject *);
PyObject *PyTuple_GetItem(PyObject *, Py_ssize_t);
char *PyByteArray_AsString(PyObject *);
Py_ssize_t PyByteArray_Size(PyObject *);
char *PyBytes_AsString(PyObject *);
Py_ssize_t PyBytes_Size(PyObject *);
PyObject *PyCapsule_New(void *, const char *, void (*)(PyObject *));
void *PyCapsule_GetPointer(PyObject *, const char *);
PyObject *PyCFunction_NewEx(PyMethodDef *, PyObject *, PyObject *);
PyObject *PyObject_CallFunctionObjArgs(PyObject *, ...);
int PyObject_IsTrue(PyObject *);
void Py_IncRef(PyObject *);
void Py_DecRef(PyObject *);
void *PyMem_Calloc(size_t, size_t);
void PyMem_Free(void *);

#define EXPORT __attribute__((visibility("default")))
#define NO_ARRIVAL 1

enum { COUNT = 0, BRANCH = 1 };

/* The counters of one code object: int64 slots by byte offset (bytearrays' storage). */
typedef struct {
    PyObject *code; /* the key; NULL: an empty place in the table */
    int64_t *a;     /* count: the slots; branch: departures */
    Py_ssize_t na;
    int64_t *b;     /* branch: arrivals */
    Py_ssize_t nb;
    const unsigned char *flags; /* branch, by departure offset: NO_ARRIVAL */
    Py_ssize_t nflags;
    const unsigned char *landing; /* branch, by arrival offset: ask the guard first */
    Py_ssize_t nlanding;
} Entry;

typedef struct {
    int mode;
    size_t mask;      /* the table has mask + 1 places, a power of two over twice the entries */
    Entry *table;
    Entry *last;      /* the entry found last: a loop's events keep hitting one code object */
    PyObject *entries; /* kept alive: it holds the code objects and the bytearrays */
    PyObject *disable;
    PyObject *guard;  /* or NULL */
} Tally;

static size_t place(const PyObject *code, size_t mask) {
    /* Objects are 16-byte aligned: the low bits say nothing. */
    return (size_t)(((uintptr_t)code >> 4) * (uintptr_t)0x9E3779B97F4A7C15u) & mask;
}

static Entry *find(Tally *t, PyObject *code) {
    if (t->last != NULL && t->last->code == code) {
        return t->last;
    }
    size_t i = place(code, t->mask);
    while (t->table[i].code != NULL) {
        if (t->table[i].code == code) {
            t->last = &t->table[i];
            return t->last;
        }
        i = (i + 1) & t->mask;
    }
    return NULL;
}

static PyObject *none(void) {
    Py_IncRef(&_Py_NoneStruct);
    return &_Py_NoneStruct;
}

static PyObject *call(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Tally *t = (Tally *)PyCapsule_GetPointer(self, NULL);
    if (t == NULL) {
        return NULL;
    }
    if (nargs < (t->mode == BRANCH ? 3 : 2)) {
        PyErr_SetString(PyExc_TypeError, "flypy tally: too few arguments");
        return NULL;
    }
    Entry *e = find(t, args[0]);
    if (e == NULL) {
        return none();
    }
    Py_ssize_t at = PyLong_AsSsize_t(args[1]);
    if (at == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (at < 0 || at >= e->na) {
        return none();
    }
    if (t->mode == BRANCH) {
        Py_ssize_t to = PyLong_AsSsize_t(args[2]);
        if (to == -1 && PyErr_Occurred()) {
            return NULL;
        }
        int arrives = !(at < e->nflags && (e->flags[at] & NO_ARRIVAL));
        if (arrives && t->guard != NULL && to >= 0 && to < e->nlanding && e->landing[to]) {
            PyObject *r = PyObject_CallFunctionObjArgs(t->guard, args[0], args[1], args[2], NULL);
            if (r == NULL) {
                return NULL;
            }
            int drop = PyObject_IsTrue(r);
            Py_DecRef(r);
            if (drop < 0) {
                return NULL;
            }
            if (drop) {
                return none();
            }
        }
        if (e->a[at] < 0) {
            Py_IncRef(t->disable);
            return t->disable;
        }
        e->a[at] += 1;
        if (arrives && to >= 0 && to < e->nb) {
            e->b[to] += 1;
        }
        return none();
    }
    if (e->a[at] < 0) {
        Py_IncRef(t->disable);
        return t->disable;
    }
    e->a[at] += 1;
    return none();
}

static PyMethodDef call_def = {"tally", (void *)call, METH_FASTCALL, "one event, counted"};

static void release(Tally *t) {
    if (t->table != NULL) {
        for (size_t i = 0; i <= t->mask; i++) {
            if (t->table[i].code != NULL) {
                Py_DecRef(t->table[i].code);
            }
        }
        PyMem_Free(t->table);
    }
    if (t->entries != NULL) Py_DecRef(t->entries);
    if (t->disable != NULL) Py_DecRef(t->disable);
    if (t->guard != NULL) Py_DecRef(t->guard);
    PyMem_Free(t);
}

static void destroy(PyObject *capsule) {
    Tally *t = (Tally *)PyCapsule_GetPointer(capsule, NULL);
    if (t != NULL) {
        release(t);
    }
}

/* Item `i` of `tuple` as int64 slots (a bytearray), or as bytes (a bytes object); -1 and a
 * TypeError when it is neither; 0 with NULL when the tuple is shorter. */
static int slots_at(PyObject *tuple, Py_ssize_t i, int64_t **slots, Py_ssize_t *n) {
    *slots = NULL;
    *n = 0;
    if (i >= PyTuple_Size(tuple)) {
        return 0;
    }
    PyObject *item = PyTuple_GetItem(tuple, i);
    if (item == NULL || item->ob_type != (void *)&PyByteArray_Type) {
        PyErr_SetString(PyExc_TypeError, "flypy tally: counters must be bytearrays");
        return -1;
    }
    *slots = (int64_t *)(void *)PyByteArray_AsString(item);
    *n = PyByteArray_Size(item) / (Py_ssize_t)sizeof(int64_t);
    return 0;
}

static int bytes_at(PyObject *tuple, Py_ssize_t i, const unsigned char **bytes, Py_ssize_t *n) {
    *bytes = NULL;
    *n = 0;
    if (i >= PyTuple_Size(tuple)) {
        return 0;
    }
    PyObject *item = PyTuple_GetItem(tuple, i);
    if (item == NULL || item->ob_type != (void *)&PyBytes_Type) {
        PyErr_SetString(PyExc_TypeError, "flypy tally: flags must be bytes");
        return -1;
    }
    *bytes = (const unsigned char *)PyBytes_AsString(item);
    *n = PyBytes_Size(item);
    return 0;
}

static PyObject *make(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "tally(mode, entries, disable, guard)");
        return NULL;
    }
    long mode = PyLong_AsLong(args[0]);
    if (mode == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (mode != COUNT && mode != BRANCH) {
        PyErr_SetString(PyExc_TypeError, "flypy tally: mode is 0 (count) or 1 (branch)");
        return NULL;
    }
    Py_ssize_t count = PyList_Size(args[1]);
    if (count < 0) {
        return NULL;
    }
    Tally *t = (Tally *)PyMem_Calloc(1, sizeof(Tally));
    if (t == NULL) {
        return NULL;
    }
    t->mode = (int)mode;
    size_t size = 8;
    while (size < 2 * (size_t)count + 2) {
        size *= 2;
    }
    t->mask = size - 1;
    t->table = (Entry *)PyMem_Calloc(size, sizeof(Entry));
    if (t->table == NULL) {
        release(t);
        return NULL;
    }
    t->entries = args[1]; /* the list: it holds the counters */
    Py_IncRef(t->entries);
    t->disable = args[2];
    Py_IncRef(t->disable);
    if (args[3] != &_Py_NoneStruct) {
        t->guard = args[3];
        Py_IncRef(t->guard);
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *counters = PyList_GetItem(args[1], k);
        if (counters == NULL || PyTuple_Size(counters) < 2) {
            PyErr_SetString(PyExc_TypeError, "flypy tally: an entry is (code, counters...)");
            release(t);
            return NULL;
        }
        PyObject *code = PyTuple_GetItem(counters, 0);
        size_t i = place(code, t->mask);
        while (t->table[i].code != NULL && t->table[i].code != code) {
            i = (i + 1) & t->mask;
        }
        Entry *e = &t->table[i];
        if (e->code == NULL) {
            e->code = code;
            Py_IncRef(code);
        }
        if (slots_at(counters, 1, &e->a, &e->na) < 0 || slots_at(counters, 2, &e->b, &e->nb) < 0
            || bytes_at(counters, 3, &e->flags, &e->nflags) < 0
            || bytes_at(counters, 4, &e->landing, &e->nlanding) < 0) {
            release(t);
            return NULL;
        }
    }
    PyObject *capsule = PyCapsule_New(t, NULL, destroy);
    if (capsule == NULL) {
        release(t);
        return NULL;
    }
    PyObject *f = PyCFunction_NewEx(&call_def, capsule, NULL);
    Py_DecRef(capsule); /* the function holds it now */
    return f;
}

static PyMethodDef methods[] = {
    {"tally", (void *)make, METH_FASTCALL, "tally(mode, entries, disable, guard): a callback"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef module_def = {
    {{1, NULL}, NULL, 0, NULL}, "_flypy_tally", "flypy's counting callbacks", -1, methods,
    NULL, NULL, NULL, NULL,
};

EXPORT PyObject *PyInit__flypy_tally(void) {
    return PyModule_Create2(&module_def, PYTHON_ABI_VERSION);
}
