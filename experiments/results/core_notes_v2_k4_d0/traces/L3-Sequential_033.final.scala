import chisel3._
import chisel3.util._

class RisingEdge extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool())
    val detected = Output(Bool())
  })

  val state = RegInit(false.B)
  val lastState = RegInit(false.B)
  io.detected := (io.in && !lastState) || (!io.in && state)
  lastState := state
}
