import chisel3._
import chisel3.util._
import chisel3.experimental._

class Hamming74Enc extends Module {
  val io = IO(new Bundle {
    val data = Input(UInt(4.W))
    val code = Output(UInt(7.W))
  })
  // Hamming(7,4) encoder logic
  val p1 = io.data(0) ^ io.data(1) ^ io.data(3)
  val p2 = io.data(0) ^ io.data(2) ^ io.data(3)
  val p3 = io.data(1) ^ io.data(2) ^ io.data(3)

  // Output bits from d3 to d0 with p3, d0, p2, p1
  val codeBits = VecInit(Seq(
    p1.asUInt, p2.asUInt, io.data(3), p3.asUInt, io.data(0), p2.asUInt, p1.asUInt
  ))

  // Drive every output on every path
  io.code := codeBits(0)
}
