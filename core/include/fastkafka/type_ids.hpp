#pragma once

#include "caf/type_id.hpp"

#include "fastkafka/stats_inspect.hpp"

// The project's one block of atoms (at most 10 characters each in CAF 0.17)
// and of the message types that cross processes. In CAF 0.17.6 atoms take no
// ID; the types do, and `cfg.add_message_types<caf::id_block::fastkafka>()`
// announces them to the middleman; stats_inspect.hpp makes them serializable.
CAF_BEGIN_TYPE_ID_BLOCK(fastkafka, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(fastkafka, (fastkafka::runtime_snapshot))
CAF_ADD_TYPE_ID(fastkafka, (fastkafka::member_report))
CAF_ADD_TYPE_ID(fastkafka, (fastkafka::stats_report))

CAF_ADD_ATOM(fastkafka, fastkafka, poll_atom, "fkpoll")
CAF_ADD_ATOM(fastkafka, fastkafka, start_atom, "fkstart")
CAF_ADD_ATOM(fastkafka, fastkafka, stop_atom, "fkstop")
CAF_ADD_ATOM(fastkafka, fastkafka, restart_atom, "fkrestart")
CAF_ADD_ATOM(fastkafka, fastkafka, sample_atom, "fksample")
CAF_ADD_ATOM(fastkafka, fastkafka, docs_atom, "fkdocs")
CAF_ADD_ATOM(fastkafka, fastkafka, resume_atom, "fkresume")
CAF_ADD_ATOM(fastkafka, fastkafka, tick_atom, "fktick")
CAF_ADD_ATOM(fastkafka, fastkafka, timeout_atom, "fktimeout")
CAF_ADD_ATOM(fastkafka, fastkafka, fail_atom, "fkfail")
// The stats protocol: version handshake, snapshot request, a worker
// registering its stats actor with its parent.
CAF_ADD_ATOM(fastkafka, fastkafka, hello_atom, "fkhello")
CAF_ADD_ATOM(fastkafka, fastkafka, stats_atom, "fkstats")
CAF_ADD_ATOM(fastkafka, fastkafka, register_atom, "fkregister")

CAF_END_TYPE_ID_BLOCK(fastkafka)
