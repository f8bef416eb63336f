import chisel3._
import chisel3.util._

class SeqDetect1011 extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool());
    val detect = Output(Bool())
  })

  // State machine definition
  val state = RegInit(0.U(2.W)) // State 0: idle, State 1: s1, State 2: s10, State 3: s101
  val flag = RegInit(false.B) // Flag to indicate pattern completion

  // Transition rules
  switch(state) {
    is(0.U)  { when(io.in) { state := 1.U } }
    is(1.U)  { when(io.in) { state := 2.U } }
    is(2.U)  { when(io.in) { state := 3.U } }
    is(3.U)  { when(io.in) { state := 0.U } }
  }

  // Detect output
  io.detect := state === 3.U && io.in === true.B // Pattern complete and io.in is 1
}
