import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))
    val data  = IO(Input(UInt(4.W)))
    val done_counting = IO(Input(Bool()))
    val ack     = IO(Input(Bool()))
    val shift_ena = Output(Bool())
    val counting = Output(Bool())
    val done     = Output(Bool())
  })
  val shift_ena = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val counting = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val done = RegInit(false.B) // resetn is the implicit reset: the harness inverts it

  // State machine to control the timer
  val state = RegInit(Closed)
  switch(state) {
    is(Closed)  { when(io.data === 0x1101.U) { state := Opening } }
    is(Opening) { when(io.done_counting) { state := Open } }
    is(Open)    { when(io.closeReq) { state := Closing } }
    is(Closing) { when(io.done_counting) { state := Closed } }
  }

  io.shift_ena := state === Opening
  io.counting := state === Open
  io.done     := state === Closed

  // Reset the state machine
  when(io.reset) {
    state := Closed
    shift_ena := false.B
    counting := false.B
    done     := false.B
  }
}
