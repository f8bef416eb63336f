import chisel3._
import chisel3.util._

class FallingEdge extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(1.W))
    val detected = Output(UInt(1.W))
  })

  io.detected := io.in.asUInt.asBool

  val state = RegInit(0.U(1.W))
  when (io.in === 0.U) {
    state := 0.U
    when (state === 1.U) {
      io.detected := 1.U
    }
  }
}
