import chisel3._
import chisel3.util._

class Hamming74Enc extends Module {
  val io = IO(new Bundle {
    val data = Input(UInt(4.W))
    val code = Output(UInt(7.W))
  })

  val p1 = io.data(0) ^ io.data(1) ^ io.data(3)
  val p2 = io.data(0) ^ io.data(2) ^ io.data(3)
  val p3 = io.data(1) ^ io.data(2) ^ io.data(3)

  io.code(0) := io.data(3)
  io.code(1) := io.data(2)
  io.code(2) := io.data(1)
  io.code(3) := p3
  io.code(4) := io.data(0)
  io.code(5) := p2
  io.code(6) := p1
}
