#pragma once

#include "caf/type_id.hpp"

// The project's one block of atoms and message types (atoms are at most 10
// characters in CAF 0.17).
CAF_BEGIN_TYPE_ID_BLOCK(fastkafka, caf::first_custom_type_id)

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

CAF_END_TYPE_ID_BLOCK(fastkafka)
