import chisel3._
import chisel3.util._

class FallingEdge extends Module {
  val io = IO(new Bundle {
    val in  = Input(Bool())
    val detected = Output(Bool())
  })
  val meta  = RegInit(false.B)
  val detected = RegInit(false.B)
  io.detected := meta
}
