import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(8.W))
    val disc = Output(Bool())
    val flag = Output(Bool())
    val err  = Output(Bool())
  })
  // FSM states
  val Idle = 0.B
  val Disc = 1.B
  val Flag = 2.B
  val Err = 3.B
  val state = RegInit(Idle)
  // FSM transitions
  when(state === Idle) {
    when(io.in === 0.U) { state := Disc }
    when(io.in === 1.U) { state := Flag }
  }
  when(state === Disc) {
    when(io.in === 1.U) { state := Flag }
  }
  when(state === Flag) {
    when(io.in === 1.U) { state := Err }
  }
  when(state === Err) {
    when(io.in === 1.U) { state := Err }
  }
  // FSM outputs
  io.disc := state === Disc
  io.flag := state === Flag
  io.err  := state === Err
}
