import chisel3._

class Hamming74Enc extends Module {
  val io = IO(new Bundle {
    val data = Input(UInt(4.W))
    val code = Output(UInt(7.W))
  })

  // Calculate p1, p2, p3
  val p1 = io.data(0) ^ io.data(1) ^ io.data(3)
  val p2 = io.data(0) ^ io.data(2) ^ io.data(3)
  val p3 = io.data(1) ^ io.data(2) ^ io.data(3)

  // Combine with io.data to get the output code
  val codeOut = VecInit(Seq(p1, p2, p3, io.data(3), io.data(0), io.data(1), io.data(2)))
}
