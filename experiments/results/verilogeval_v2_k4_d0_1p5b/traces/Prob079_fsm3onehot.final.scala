import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(4.W))
    val state = Output(UInt(4.W))
    val next_state = Output(UInt(4.W))
    val out = Output(UInt(4.W))
  })
  val state = RegInit(0.U(4.W)) // resetn is the implicit reset: the harness inverts it
  val next_state = RegInit(0.U(4.W)) // resetn is the implicit reset: the harness inverts it
  val out = RegInit(0.U(4.W)) // resetn is the implicit reset: the harness inverts it

  when(state === 0.U) {
    when(io.in === 1.U) { next_state := 1.U }
    when(io.in === 0.U) { next_state := 0.U }
  } .elsewhen(state === 1.U) {
    when(io.in === 1.U) { next_state := 1.U }
    when(io.in === 0.U) { next_state := 0.U }
  } .elsewhen(state === 2.U) {
    when(io.in === 1.U) { next_state := 1.U }
    when(io.in === 0.U) { next_state := 0.U }
  } .elsewhen(state === 3.U) {
    when(io.in === 1.U) { next_state := 1.U }
    when(io.in === 0.U) { next_state := 0.U }
  }

  io.next_state := next_state
  io.out := out
  io.state := state
}
